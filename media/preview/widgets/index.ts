// The preview's drawing widgets; each is plain DOM and canvas, themed by VS Code's CSS variables (widgets.css).
export { WaveformView, type WaveformOverview, type LoopSpan, type Marker } from './waveform.js';
export {
  PeakMeter,
  GainReductionMeter,
  LoudnessReadout,
  formatLevel,
  meterFraction,
  METER_MIN_DB,
  METER_MAX_DB,
  GR_MIN_DB,
  NO_VALUE,
  type Orientation,
  type MeterOptions,
  type LoudnessValues,
  type LoudnessOptions,
} from './meters.js';
export { EqCurveView, EQ_MIN_HZ, EQ_MAX_HZ } from './eq-curve-view.js';
export { SpectrumView } from './spectrum.js';
export { formatClock, formatBars, formatBarBeat } from './time-format.js';
export { AutomationLanesView, type LaneCurve } from './automation-lanes.js';
