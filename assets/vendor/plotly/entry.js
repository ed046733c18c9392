'use strict';
// The plotly.js the observatory serves: the core (scatter, cartesian axes, annotations, shapes,
// the modebar and image export) and the other trace types figures/ draws. A chart with a new
// trace type needs it added here and the bundle rebuilt (build.sh).
var Plotly = require('plotly.js/lib/core');

Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/heatmap'), require('plotly.js/lib/sankey')]);

module.exports = Plotly;
