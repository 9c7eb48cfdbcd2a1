/**
 * The chart libraries of `mixdown diff --plots`. They stay outside the
 * bundles and are loaded only when plots are asked for (resvg is a native
 * module), so the command line starts as fast as without them; the CLI
 * package lists them as optional dependencies.
 */
export const PLOT_PACKAGES = ['vega', 'vega-lite', '@resvg/resvg-js'];
