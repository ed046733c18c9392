"""Decision papers: read council and NHS committee papers, find the research they mention, and
keep the candidates for a workstream lead to review (issue 16)."""
