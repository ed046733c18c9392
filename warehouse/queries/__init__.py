"""Read functions over the warehouse. Each returns a DataFrame or plain values; SQL aggregates."""
