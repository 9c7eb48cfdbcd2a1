/**
 * The preview panel's DOM: the header, the problems banner, the transport,
 * the waveform, the channel list with its meters, the master meters, the EQ
 * curve and the spectrum. Every control is a real button (or radio) with a
 * label, reachable by keyboard; colours come from VS Code's theme variables
 * (preview.css). The page logic (main.ts) drives it through these methods.
 */
import type { ChannelModel } from '../../grammar/src/model.js';
import { reportsGainReduction } from '../../engine/src/index.js';
import type { Analysis, Problem } from './protocol.js';
import { AutomationLanesView, EqCurveView, GainReductionMeter, LoudnessReadout, PeakMeter, SpectrumView, WaveformView, formatLevel, type LoudnessValues } from './widgets/index.js';

/** How long the spectrum keeps drawing after the audio stops: long enough for its columns to fall. */
const SPECTRUM_FALL_MS = 3000;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

function button(id: string, label: string, text: string, extra: Record<string, string> = {}): HTMLButtonElement {
  return el('button', { id, type: 'button', 'aria-label': label, title: label, ...extra }, text);
}

export interface ChannelActions {
  select(c: ChannelModel): void;
  mute(c: ChannelModel): void;
  solo(c: ChannelModel): void;
  /** The pointer or the keyboard's focus reached the row's Mute and Solo (null: left them). */
  approach(c: ChannelModel | null): void;
}

/** One channel's row: name, mute, solo, peak meter, gain-reduction meter. */
export class ChannelRow {
  readonly element: HTMLLIElement;
  readonly peak: PeakMeter;
  readonly gr: GainReductionMeter | null;
  private readonly nameButton: HTMLButtonElement;
  private readonly muteButton: HTMLButtonElement;
  private readonly soloButton: HTMLButtonElement | null;
  private readonly swatch: HTMLSpanElement;
  /**
   * On screen (or not yet known): meters of rows scrolled out of view are not
   * drawn, since drawing a hundred meters thirty times a second would take
   * the page's whole thread from streaming and edits.
   */
  visible = true;

  constructor(list: HTMLElement, c: ChannelModel, actions: ChannelActions) {
    const id = cssId(c.name);
    this.element = el('li', { class: `channel channel--${c.kind}`, 'data-channel': c.name });
    this.swatch = el('span', { class: 'channel-swatch', 'aria-hidden': 'true' });
    const shown = c.label ? `${c.label} (${c.name})` : c.name;
    this.nameButton = el('button', { type: 'button', class: 'channel-name', id: `channel-${id}`, 'aria-pressed': 'false', title: `Show the EQ curve of ${shown}` }, this.swatch, c.label ?? c.name);
    this.nameButton.addEventListener('click', () => actions.select(c));
    this.muteButton = el('button', { type: 'button', class: 'channel-mute', id: `mute-${id}`, 'aria-pressed': 'false', 'aria-label': `Mute ${shown} in the preview`, title: `Mute ${shown} (the file is not changed)` }, 'M');
    this.muteButton.addEventListener('click', () => actions.mute(c));
    const controls = el('span', { class: 'channel-controls' }, this.muteButton);
    controls.addEventListener('pointerenter', () => actions.approach(c));
    controls.addEventListener('pointerleave', () => actions.approach(null));
    controls.addEventListener('focusin', () => actions.approach(c));
    controls.addEventListener('focusout', () => actions.approach(null));
    if (c.kind !== 'master') {
      this.soloButton = el('button', { type: 'button', class: 'channel-solo', id: `solo-${id}`, 'aria-pressed': 'false', 'aria-label': `Solo ${shown} in the preview`, title: `Solo ${shown} (the file is not changed)` }, 'S');
      this.soloButton.addEventListener('click', () => actions.solo(c));
      controls.append(this.soloButton);
    } else {
      this.soloButton = null;
      // The master cannot be muted in the file either; its row keeps the meters only.
      this.muteButton.hidden = true;
    }
    const meters = el('span', { class: 'channel-meters' });
    this.element.append(this.nameButton, controls, meters);
    list.append(this.element);
    this.peak = new PeakMeter(meters, { label: `${shown} peak level`, orientation: 'horizontal' });
    const reducesGain = c.inserts.some((i) => reportsGainReduction(i.type));
    this.gr = reducesGain ? new GainReductionMeter(meters, { label: `${shown} gain reduction`, orientation: 'horizontal' }) : null;
  }

  /**
   * Frozen: the channel plays from a stem of its group (rendered by the
   * extension) and does not run; said on the row. Its meters show what the
   * render measured (they rest until they are given them).
   */
  setFrozen(frozen: boolean): void {
    if (this.element.classList.contains('channel--frozen') === frozen) return;
    this.element.classList.toggle('channel--frozen', frozen);
    this.element.title = frozen ? 'Frozen: plays from a stem the extension rendered, and its meters show what that render measured; an edit to it makes it live again' : '';
    if (frozen) {
      this.peak.set(-Infinity, -Infinity);
      this.gr?.set(0);
    }
  }

  setState(muted: boolean, soloed: boolean, selected: boolean, color: string | null): void {
    this.muteButton.setAttribute('aria-pressed', String(muted));
    this.soloButton?.setAttribute('aria-pressed', String(soloed));
    this.nameButton.setAttribute('aria-pressed', String(selected));
    this.element.classList.toggle('channel--muted', muted);
    this.swatch.style.backgroundColor = color ?? 'transparent';
  }
}

const cssId = (name: string) => name.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`);

/** Something the A/B buttons can play instead of the mix: a reference, or another version of the mix. */
export interface ListenOption {
  readonly key: string;
  readonly label: string;
  /** The button's tooltip. */
  readonly title: string;
  /** Shown but not playable yet (still rendering) or at all (it failed; the title says why). */
  readonly disabled: boolean;
}

export class PreviewView {
  readonly waveform: WaveformView;
  /** The selected channel's automation lanes, under the waveform. */
  readonly lanes: AutomationLanesView;
  readonly eq: EqCurveView;
  onPlay: () => void = () => undefined;
  onStop: () => void = () => undefined;
  onLoopToggle: () => void = () => undefined;
  /** An A/B button was pressed: the option's key, or null for the mix. */
  onListen: (key: string | null) => void = () => undefined;
  onRender: () => void = () => undefined;
  onResetMeters: () => void = () => undefined;

  private readonly title: HTMLHeadingElement;
  private readonly summary: HTMLSpanElement;
  private readonly status: HTMLParagraphElement;
  private readonly problems: HTMLDivElement;
  private readonly playButton: HTMLButtonElement;
  private readonly loopButton: HTMLButtonElement;
  private readonly bars: HTMLSpanElement;
  private readonly clock: HTMLSpanElement;
  private readonly abGroup: HTMLDivElement;
  private readonly matchText: HTMLSpanElement;
  private readonly channelList: HTMLUListElement;
  private rowVisibility: IntersectionObserver | null = null;
  private readonly loudness: LoudnessReadout;
  private readonly masterPeak: PeakMeter;
  private readonly masterPeakText: HTMLSpanElement;
  private readonly analysisText: HTMLParagraphElement;
  private readonly spectrumHost: HTMLDivElement;
  private readonly loadText: HTMLSpanElement;
  private spectrum: SpectrumView | null = null;
  /** Stops the spectrum's drawing once playback has stopped and its columns have fallen. */
  private spectrumRest: ReturnType<typeof setTimeout> | undefined;
  private listenSignature = '';

  constructor(root: HTMLElement) {
    root.textContent = '';
    this.title = el('h1', { id: 'title' }, 'Mix preview');
    this.summary = el('span', { id: 'summary', class: 'summary' });
    const renderButton = button('render', 'Render to WAV', 'Render to WAV…', { class: 'secondary' });
    renderButton.addEventListener('click', () => this.onRender());
    const header = el('header', { class: 'header' }, this.title, this.summary, renderButton);

    this.problems = el('div', { id: 'problems', class: 'problems', role: 'alert', hidden: '' });
    this.status = el('p', { id: 'status', role: 'status', class: 'status' });

    this.playButton = button('play', 'Play', '▶ Play', { class: 'primary', 'aria-keyshortcuts': 'Space' });
    this.playButton.addEventListener('click', () => this.onPlay());
    const stopButton = button('stop', 'Stop', '■ Stop');
    stopButton.addEventListener('click', () => this.onStop());
    this.loopButton = button('loop', 'Loop', '⟲ Loop', { 'aria-pressed': 'false' });
    this.loopButton.addEventListener('click', () => this.onLoopToggle());
    this.bars = el('span', { id: 'position-bars', class: 'position-bars', 'aria-label': 'Position in bars' }, '–');
    this.clock = el('span', { id: 'position-clock', class: 'position-clock', 'aria-label': 'Position in time' }, '0:00.000');
    const positionBox = el('span', { class: 'position', role: 'timer', 'aria-live': 'off' }, this.bars, this.clock);
    this.abGroup = el('div', { id: 'ab', class: 'ab', role: 'radiogroup', 'aria-label': 'Listen to' });
    this.matchText = el('span', { id: 'ab-gain', class: 'ab-gain', 'aria-live': 'polite' });
    const transport = el('div', { class: 'transport', role: 'toolbar', 'aria-label': 'Transport' }, this.playButton, stopButton, this.loopButton, positionBox, this.abGroup, this.matchText);

    const waveformHost = el('div', { class: 'waveform-host' });
    this.waveform = new WaveformView(waveformHost);
    this.lanes = new AutomationLanesView(waveformHost);

    this.channelList = el('ul', { id: 'channels', class: 'channels', 'aria-label': 'Channels' });
    const channels = el('section', { class: 'panel channels-panel', 'aria-labelledby': 'channels-title' }, el('h2', { id: 'channels-title' }, 'Channels'), this.channelList);

    const masterHost = el('div', { class: 'master-meters' });
    this.loudness = new LoudnessReadout(masterHost, { idPrefix: 'meter' });
    const peakRow = el('div', { class: 'master-peak' });
    this.masterPeakText = el('span', { id: 'meter-peak-master', class: 'master-peak-value', 'aria-label': 'Master peak, dBFS' }, '–');
    this.masterPeak = new PeakMeter(peakRow, { label: 'Master peak level', orientation: 'horizontal' });
    peakRow.append(el('span', { class: 'master-peak-label' }, 'Peak'), this.masterPeakText);
    const resetButton = button('reset-meters', 'Reset loudness meters', 'Reset');
    resetButton.addEventListener('click', () => this.onResetMeters());
    this.analysisText = el('p', { id: 'analysis', class: 'analysis' }, 'Measuring the whole mix…');
    const master = el('section', { class: 'panel master-panel', 'aria-labelledby': 'master-title' }, el('h2', { id: 'master-title' }, 'Master'), masterHost, peakRow, resetButton, this.analysisText);

    const eqHost = el('div', { class: 'eq-host' });
    this.eq = new EqCurveView(eqHost);
    const eqPanel = el('section', { class: 'panel eq-panel', 'aria-labelledby': 'eq-title' }, el('h2', { id: 'eq-title' }, 'EQ'), eqHost);
    this.spectrumHost = el('div', { class: 'spectrum-host' }, el('p', { class: 'placeholder' }, 'The spectrum shows once audio is playing.'));
    const spectrumPanel = el('section', { class: 'panel spectrum-panel', 'aria-labelledby': 'spectrum-title' }, el('h2', { id: 'spectrum-title' }, 'Spectrum'), this.spectrumHost);

    this.loadText = el('span', { id: 'engine-load', class: 'engine-load' });
    const footer = el('footer', { class: 'footer' }, this.loadText);
    const grid = el('div', { class: 'grid' }, channels, el('div', { class: 'side' }, master, eqPanel, spectrumPanel));
    root.append(header, this.problems, this.status, transport, waveformHost, grid, footer);
  }

  setTitle(fileName: string, warnings: number): void {
    this.title.textContent = fileName;
    this.summary.textContent = warnings > 0 ? `${warnings} warning${warnings === 1 ? '' : 's'}` : '';
    document.title = `Preview ${fileName}`;
  }

  setStatus(text: string): void {
    this.status.textContent = text;
    this.status.hidden = text === '';
  }

  showProblems(fileName: string, problems: readonly Problem[], reveal: (line: number) => void, playingBefore: boolean): void {
    const list = el('ul');
    for (const p of problems.slice(0, 8)) {
      const link = el('button', { type: 'button', class: 'link', title: `Go to line ${p.line}` }, `line ${p.line}`);
      link.addEventListener('click', () => reveal(p.line));
      list.append(el('li', {}, link, `: ${p.message}`));
    }
    const more = problems.length > 8 ? ` (and ${problems.length - 8} more)` : '';
    const then = playingBefore ? 'the last valid mix keeps playing' : 'it plays once they are fixed';
    this.problems.replaceChildren(el('p', {}, `${fileName} has ${problems.length} error${problems.length === 1 ? '' : 's'}${more}; ${then}.`), list);
    this.problems.hidden = false;
    document.body.dataset['valid'] = 'false';
  }

  showError(text: string): void {
    this.problems.replaceChildren(el('p', {}, text));
    this.problems.hidden = false;
  }

  clearProblems(): void {
    this.problems.hidden = true;
    this.problems.replaceChildren();
    document.body.dataset['valid'] = 'true';
  }

  setPlaying(playing: boolean): void {
    this.playButton.textContent = playing ? '❚❚ Pause' : '▶ Play';
    this.playButton.setAttribute('aria-label', playing ? 'Pause' : 'Play');
    this.playButton.title = playing ? 'Pause' : 'Play';
  }

  setLoopOn(on: boolean): void {
    this.loopButton.setAttribute('aria-pressed', String(on));
  }

  setPosition(bars: string, clock: string): void {
    this.bars.textContent = bars;
    this.clock.textContent = clock;
  }

  buildChannels(channels: readonly ChannelModel[], actions: ChannelActions): Map<string, ChannelRow> {
    this.channelList.replaceChildren();
    this.rowVisibility?.disconnect();
    const rows = new Map<string, ChannelRow>();
    for (const c of channels) if (!c.hidden || c.kind === 'master') rows.set(c.name, new ChannelRow(this.channelList, c, actions));
    if (typeof IntersectionObserver !== 'undefined') {
      const byElement = new Map([...rows.values()].map((r) => [r.element as Element, r]));
      this.rowVisibility = new IntersectionObserver((entries) => {
        for (const e of entries) {
          const row = byElement.get(e.target);
          if (row) row.visible = e.isIntersecting;
        }
      });
      for (const r of rows.values()) this.rowVisibility.observe(r.element);
    }
    return rows;
  }

  /** The A/B buttons: the mix, then each option; `listening` is the pressed one's key (null: the mix). */
  setListenOptions(options: readonly ListenOption[], listening: string | null): void {
    const signature = options.map((o) => `${o.key}\t${o.label}\t${o.title}\t${o.disabled}`).join('\n');
    if (signature !== this.listenSignature) {
      this.listenSignature = signature;
      this.abGroup.replaceChildren();
      if (options.length === 0) return;
      const mix: ListenOption = { key: '', label: 'Mix', title: 'Listen to the mix', disabled: false };
      for (const o of [mix, ...options]) {
        const b = el('button', { type: 'button', id: o.key === '' ? 'ab-mix' : `ab-${cssId(o.key)}`, role: 'radio', 'data-key': o.key }, o.label);
        b.title = o.title;
        b.disabled = o.disabled;
        b.addEventListener('click', () => this.onListen(o.key === '' ? null : o.key));
        this.abGroup.append(b);
      }
    }
    for (const b of this.abGroup.querySelectorAll<HTMLButtonElement>('[role=radio]')) b.setAttribute('aria-checked', String(b.dataset['key'] === (listening ?? '')));
  }

  /** What the A/B option plays at: matched to the mix, or (not measured yet) as the file writes it, or unchanged. */
  setMatch(m: { name: string; gainDb: number; matched: boolean; asWritten: boolean } | null): void {
    const how = m?.matched ? ' to match the mix' : m?.asWritten ? ' (as written; not measured yet)' : ' (not matched yet: the mix is being measured)';
    // Signed as shown: +0.4, -0.4, and 0.0 for anything that rounds to it.
    const level = m ? formatLevel(m.gainDb) : '';
    this.matchText.textContent = m ? `${m.name} ${level.startsWith('-') || level === '0.0' ? '' : '+'}${level} dB${how}` : '';
  }

  setAnalysis(a: Analysis): void {
    const parts = [`Whole mix: ${formatLevel(a.integratedLufs)} LUFS, ${formatLevel(a.truePeakDb)} dBTP`];
    if (a.headGainDb !== null) parts.push(`target gain ${a.headGainDb >= 0 ? '+' : ''}${formatLevel(a.headGainDb)} dB`);
    if (a.targetProblem) parts.push(a.targetProblem);
    this.analysisText.textContent = parts.join(' · ');
  }

  setLoudness(values: LoudnessValues): void {
    this.loudness.set(values);
  }

  setMasterPeak(heldDb: number | null, leftDb: number, rightDb: number): void {
    this.masterPeak.set(leftDb, rightDb);
    this.masterPeakText.textContent = formatLevel(heldDb);
  }

  /**
   * The footer: the audio thread's load, the channels that run and those
   * that play frozen, the audio the preview holds, and whether the disk
   * kept up with playback (audio that came too late is played as silence).
   */
  setLoad(load: number, audio: { audioBytes: number; starved: boolean; live: number; frozen: number }): void {
    const pct = Math.round(load * 100);
    const parts = [
      `Engine load ${pct}%${load > 0.9 ? ' — falling behind: audio may drop out' : ''}`,
      `${audio.live} channel${audio.live === 1 ? '' : 's'} live, ${audio.frozen} frozen`,
      `audio in memory ${Math.round(audio.audioBytes / 2 ** 20)} MB`,
    ];
    if (audio.starved) parts.push('the disk is not keeping up: some audio came too late and was played as silence');
    this.loadText.textContent = parts.join(' · ');
    this.loadText.classList.toggle('engine-load--high', load > 0.9 || audio.starved);
    document.body.dataset['audioBytes'] = String(audio.audioBytes);
    document.body.dataset['starved'] = String(audio.starved);
    document.body.dataset['frozen'] = String(audio.frozen);
  }

  attachSpectrum(analyser: AnalyserNode): void {
    this.spectrumHost.replaceChildren();
    this.spectrum?.dispose();
    this.spectrum = new SpectrumView(this.spectrumHost, analyser);
    this.spectrum.start();
  }

  /**
   * The spectrum draws while audio plays, and for a while after it stops so
   * the columns fall (100 dB at 48 dB/s, plus the analyser's smoothing); then
   * it rests instead of redrawing a still picture at every frame.
   */
  setAudioRunning(running: boolean): void {
    const spectrum = this.spectrum;
    if (!spectrum) return;
    if (running) {
      clearTimeout(this.spectrumRest);
      this.spectrumRest = undefined;
      spectrum.start();
    } else if (spectrum.isRunning && this.spectrumRest === undefined) {
      this.spectrumRest = setTimeout(() => {
        this.spectrumRest = undefined;
        if (this.spectrum === spectrum) spectrum.stop();
      }, SPECTRUM_FALL_MS);
    }
  }
}
