/**
 * The preview page: what the producer sees and hears beside the editor.
 *
 * The extension host sends the checked model after each edit that leaves the
 * file valid (or the problems, when it does not), the `trim auto` gains, and
 * later the whole-render analysis (the `target` gain, the overview, the
 * loudness of the mix and its references). The page fetches and decodes the
 * audio, hands it to the engine's AudioWorklet, and draws what the engine
 * reports: position, meters, gain reduction. The mix keeps playing through
 * every edit; an invalid edit leaves the last valid mix playing.
 */
import { type AutomationModel, type ChannelModel, type EqModel, type MixModel } from '../../grammar/src/model.js';
import { eqCurveDb, Lane, logFrequencies, metersOver, reportsGainReduction, SourceError, writtenValue, type ChannelMeterEnvelope } from '../../engine/src/index.js';
import { targetText, targetValueText } from '../../grammar/src/automation-text.js';
import { TempoMap } from '../../grammar/src/tempo-map.js';
import type { MetersMessage, SessionSpec } from '../worklet/protocol.js';
import { AudioOutput } from './audio.js';
import { AudioStreamer, type Placement } from './streamer.js';
import { freezePlan, type FreezePlan } from './freeze-plan.js';
import { ChannelOverrides } from './overrides.js';
import { fromWire, type Analysis, type AudioRef, type ComparedVersion, type FromPage, type PageState, type SessionMessage, type ToPage, type FrozenStemRef } from './protocol.js';
import { ChannelRow, PreviewView, type ListenOption } from './view.js';
import { formatBarBeat, formatClock, formatLevel } from './widgets/index.js';

interface VsCodeApi {
  postMessage(message: FromPage): void;
  getState(): PageState | undefined;
  setState(state: PageState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (m: FromPage) => vscode.postMessage(m);
const body = document.body;
const processorUrl = body.dataset['processor']!;
const saved = vscode.getState();

const view = new PreviewView(document.getElementById('app')!);
const overrides = new ChannelOverrides(saved);
const EQ_FREQS = logFrequencies(256);

const documentUri = body.dataset['document'] ?? saved?.document ?? '';
let session: SessionMessage | null = null;
/** The channels (in strip order) of each session sent to the processor, by generation, so meters map to the right rows. */
const sentChannels = new Map<number, readonly ChannelModel[]>();
let trims = new Map<string, number>();
/** Stems of the summing groups from the extension's last analysis (see freeze-plan.ts). */
let frozenStems: readonly FrozenStemRef[] = [];
/** What the session last sent to the audio thread plays frozen and live. */
let plan: FreezePlan | null = null;
/** Files placed for the session last sent to the audio thread: a session placing others waits for their start. */
let placedPaths = new Set<string>();
let placedNow: Placement[] = [];
/** How long the files only the session before an edit played stay placed: past its crossfade. */
const REPLACED_PLACEMENTS_MS = 300;
let placementTimer: ReturnType<typeof setTimeout> | undefined;
/** A new set of channel rows is waiting to be drawn (see onSession). */
let rowsPending = false;
let analysis: Analysis | null = null;
/** The tracks' meters measured by the last analysis, by name: what frozen rows show. */
let frozenMeters = new Map<string, ChannelMeterEnvelope>();
/** Timeline frame of the last meter report: the next one covers the frames since. */
let lastReportFrame = 0;
let audio: AudioOutput | null = null;
let audioStarting: Promise<AudioOutput | null> | null = null;
/**
 * Play was pressed (or the editor's command sent) and not cancelled since by
 * Pause, Stop or the end: the page plays as soon as it can, even when the
 * session, its audio or the browser's audio output is still on its way.
 */
let playing = false;
/**
 * The browser has held the audio output back for a while since Play (it
 * starts audio only after a click or a key press in the page): the panel
 * asks for a click, and the request stands meanwhile.
 */
let needsGesture = false;
/** Meter reports received (tests wait on them). */
let meterReports = 0;
/** The engine has played since Play was last pressed. */
let engineStarted = false;
/** The engine's last report said it was playing (for data-state). */
let engineRunning = false;
/** What the status line says while the session's audio files load, else null. */
let loadingText: string | null = null;
let position = (saved?.position ?? 0);
let loop = saved?.loop ?? null;
let selected = saved?.selected ?? null;
/** The row whose Mute and Solo the pointer is over, and the channel the editor's cursor is in. */
let approached: string | null = null;
let focused: string | null = null;
/** The A/B option heard instead of the mix (its key: `ref:NAME` or VERSION_KEY), or null for the mix. */
let listening: string | null = null;
/** The version of the mix to A/B against ("Mix: Compare with HEAD"), or null. */
let compared: ComparedVersion | null = null;
const VERSION_KEY = 'version';
const referenceKey = (name: string) => `ref:${name}`;
let rows = new Map<string, ChannelRow>();
let sessionQueue: Promise<void> = Promise.resolve();
/** The pointer rests this long on the overview before the audio there is fetched. */
const HOVER_CUE_MS = 150;
/** Outputs that have had a session (a new output after a rate change has not). */
const sentToOutput = new WeakSet<AudioOutput>();
/** Until when the panel says that the disk has not kept up (audio came too late to play). */
let starvedUntil = 0;
const STARVED_NOTICE_MS = 3000;

function rate(): number {
  return session?.model.sampleRate ?? 48000;
}

/** The session's audio, streamed to the processor around the playhead. */
const streamer = new AudioStreamer(rate);

function saveState(): void {
  vscode.setState({ document: documentUri, position, loop, ...overrides.saved(), selected });
}

// ---- Messages from the extension host ---------------------------------

window.addEventListener('message', (event: MessageEvent<ToPage>) => {
  const m = fromWire(event.data);
  switch (m.type) {
    case 'session':
      onSession(m);
      break;
    case 'invalid':
      view.showProblems(m.fileName, m.problems, (line) => post({ type: 'reveal', line }), session !== null);
      break;
    case 'trims': {
      // Measured again after every edit, and most often unchanged: only a change needs a new graph.
      const measured = new Map(Object.entries(m.trims));
      const changed = measured.size !== trims.size || [...measured].some(([name, db]) => trims.get(name) !== db);
      trims = measured;
      if (changed && session && m.generation === session.generation) queueSession();
      break;
    }
    case 'analysis':
      onAnalysis(m.analysis);
      break;
    case 'frozen':
      // New stems: the groups they match play frozen from the next session sent.
      frozenStems = m.stems;
      if (session) queueSession();
      break;
    case 'analysisFailed':
      if (session && m.generation === session.generation) view.waveform.setMessage(`No overview: ${m.message}`);
      break;
    case 'compared':
      onCompared(m.compared);
      break;
    case 'transport':
      void togglePlay();
      break;
    case 'focus':
      focused = m.channel;
      placeWarm();
      break;
  }
});

function onSession(m: SessionMessage): void {
  const structureChanged = !session || channelKey(session.model) !== channelKey(m.model);
  session = m;
  // The sound first, then the panel: a new set of channels (the first session, a track added) is
  // drawn in a task of its own, once the requests for its files are out (a hundred rows take a while).
  queueSession();
  if (structureChanged || rowsPending) {
    // Edits that come before the rows are drawn are drawn with them (the rows follow the newest session).
    if (!rowsPending) {
      rowsPending = true;
      setTimeout(() => {
        rowsPending = false;
        if (session) showSession(session, true);
      }, 0);
    }
  } else {
    showSession(m, false);
  }
}

function showSession(m: SessionMessage, structureChanged: boolean): void {
  view.clearProblems();
  view.setTitle(m.fileName, m.warnings);
  if (structureChanged) buildChannelRows(m.model);
  else updateChannelRows(m.model);
  const model = m.model;
  view.waveform.barSeconds = barLength(model) ?? 2;
  view.waveform.setMarkers(model.markers.map((k) => ({ time: k.time, label: k.name })));
  if (listening && !listenTarget(listening)) listen(null);
  else view.setListenOptions(listenOptions(), listening);
  if (!analysis) view.waveform.setMessage('Rendering overview…');
  showEq();
  showLanes();
}

/** Applies sessions one at a time, in order; a session overtaken while its audio loads is skipped. */
function queueSession(): void {
  sessionQueue = sessionQueue.then(sendSession, sendSession);
}

async function sendSession(): Promise<void> {
  const s = session;
  if (!s) return;
  // The stems as they are now: a newer list arriving meanwhile is taken by the session it queues.
  const stems = frozenStems;
  const refs = [...audioRefs(s), ...stems.map((f) => f.audio)];
  try {
    // The headers first (the graph needs every file's length and rate), then the start from the playhead.
    const known = streamer.has(refs);
    if (!known) showLoading(`Loading audio: reading ${refs.length} file${refs.length === 1 ? '' : 's'}…`);
    const fresh = await streamer.prepare(refs);
    if (s !== session) return; // a newer edit arrived meanwhile
    streamer.retain(refs.map((r) => r.path));
    const next = freezePlan(overrides.apply(s.model), trims, fileVersions(s), stems, (path) => streamer.channelsOf(path));
    const placed = placements(s, next);
    // What the playing session reads stays placed until the new one has taken over (a group that froze
    // plays its tracks' files until the crossfade is over).
    clearTimeout(placementTimer);
    streamer.setPlacements([...placed, ...placedNow, ...warmPlacements(s, next)]);
    // A group that goes live (an edit to one of its tracks) needs its tracks' files: they are fetched first
    // (most often they are in already: the group was warm).
    const newPaths = new Set(placed.filter((p) => !placedPaths.has(p.path)).map((p) => p.path));
    // No output yet: the start is fetched meanwhile; Play makes the output and sends this session.
    if (!audio) {
      await streamer.ready(frameAt(position));
      showLoading(null);
      return;
    }
    if (audio.sampleRate !== s.model.sampleRate) {
      showLoading(null);
      await restartAudio();
      return;
    }
    // A new file (or a first session for this output) plays once the start of every file is in; a
    // group going live once its files' start is in. An edit of the same files goes straight on: what
    // is in stays in, and waiting would not bring more.
    if (fresh > 0 || !sentToOutput.has(audio)) await streamer.ready(frameAt(position));
    else if (newPaths.size > 0) await streamer.ready(frameAt(position), newPaths);
    showLoading(null);
    if (s !== session) return;
    sentToOutput.add(audio);
    plan = next;
    placedPaths = new Set(placed.map((p) => p.path));
    placedNow = placed;
    for (const [name, row] of rows) row.setFrozen(next.frozenTracks.has(name));
    sendToProcessor(audio, s, refs);
    placementTimer = setTimeout(placeWarm, REPLACED_PLACEMENTS_MS);
    // Play was pressed before the session came or while its files loaded: start now that there is something to play.
    if (playing) await start(audio);
  } catch (err) {
    showLoading(null);
    view.showError(err instanceof SourceError ? `${err.path}: ${err.reason}` : `The preview could not load the session: ${message(err)}`);
  }
}

/**
 * The frozen groups about to be edited: the group of the channel the
 * editor's cursor is in, of the selected row and of the row whose Mute or
 * Solo the pointer is over. Their tracks' files are kept streamed around the
 * playhead, and once those are in, the audio thread runs the tracks unheard
 * beside the stem (MixGraph.setWarm). When one of them goes live (the edit,
 * the click), its files are in and its processors have followed the music,
 * so it is heard at once instead of after a read of sixteen files and a
 * settling run.
 */
function warmGroups(frozen: FreezePlan): FreezePlan['frozenGroups'] {
  const near = new Set([focused, selected, approached].filter((n): n is string => n !== null && frozen.frozenTracks.has(n)));
  return frozen.frozenGroups.filter((g) => g.members.some((n) => near.has(n)));
}

function warmPlacements(s: SessionMessage, frozen: FreezePlan): Placement[] {
  const warm = new Set(warmGroups(frozen).flatMap((g) => g.members));
  // For tests: how many tracks are kept warm.
  document.body.dataset['warm'] = String(warm.size);
  if (warm.size === 0) return [];
  const sr = s.model.sampleRate;
  return s.model.channels.filter((c) => warm.has(c.name)).flatMap((c) => c.clips.map((k) => ({ path: k.path, at: Math.round(k.at * sr) })));
}

/** What is placed now: what the session plays, and the warm groups' files; then the audio thread is told. */
function placeWarm(): void {
  if (!session || !plan) return;
  streamer.setPlacements([...placedNow, ...warmPlacements(session, plan)]);
  void warmAudioThread(plan);
}

/** The warm groups' signatures the audio thread was last given, and the output given them. */
let warmSent: { readonly out: AudioOutput; readonly signatures: ReadonlySet<string> } | null = null;
let warmRequest = 0;

/**
 * Tells the audio thread which groups to run unheard. A group joins once
 * its files are in at the playhead, so its tracks never read audio that has
 * not arrived (that would count as the disk not keeping up); a group leaves
 * at once.
 */
async function warmAudioThread(frozen: FreezePlan): Promise<void> {
  const request = ++warmRequest;
  const groups = warmGroups(frozen);
  const signatures = new Set(groups.map((g) => g.signature));
  const out = audio;
  if (!out) return;
  const known = warmSent?.out === out ? warmSent.signatures : new Set<string>();
  if (signatures.size === known.size && [...signatures].every((x) => known.has(x))) return;
  if ([...signatures].some((x) => !known.has(x))) {
    const warm = new Set(groups.flatMap((g) => g.members));
    const paths = new Set(session?.model.channels.filter((c) => warm.has(c.name)).flatMap((c) => c.clips.map((k) => k.path)));
    await streamer.ready(frameAt(position), paths);
  }
  if (request !== warmRequest || out !== audio) return;
  warmSent = { out, signatures };
  out.setWarm([...signatures]);
  // For tests and benchmarks: how many groups the audio thread runs unheard.
  document.body.dataset['warmGroups'] = String(signatures.size);
}

/**
 * Where each file sounds: the clips of the tracks that run at their place,
 * the frozen groups' stems (frame p of a stem is graph position p, which
 * sounds at timeline frame p - latency), references and the compared
 * version from the start.
 */
function placements(s: SessionMessage, frozen: FreezePlan): Placement[] {
  const sr = s.model.sampleRate;
  const out: Placement[] = s.model.channels
    .filter((c) => frozen.running.has(c.name))
    .flatMap((c) => c.clips.map((k) => ({ path: k.path, at: Math.round(k.at * sr) })));
  for (const stem of frozen.stems) out.push({ path: stem.path, at: -frozen.latency });
  for (const r of Object.values(s.references)) out.push({ path: r.path, at: 0 });
  if (compared?.state === 'ready') out.push({ path: compared.audio.path, at: 0 });
  return out;
}

function showLoading(text: string | null): void {
  loadingText = text;
  showStatus();
}

/**
 * The session to the processor, which lets go of the files `files` does not
 * name: the session's, and every stem the streamer was told of with it (a
 * group live for a moment, for a mute or an edit undone, plays from its stem
 * again without reading it anew).
 */
function sendToProcessor(out: AudioOutput, s: SessionMessage, files: readonly AudioRef[]): void {
  out.retain(files.map((r) => r.path));
  sentChannels.set(s.generation, s.model.channels);
  // Older generations can only still be playing for a crossfade's length; keep a few.
  for (const g of sentChannels.keys()) if (g < s.generation - 8) sentChannels.delete(g);
  out.setSession(spec(s));
}

/** Versions of the session's audio files by path: the groups' signatures name them. */
function fileVersions(s: SessionMessage): Record<string, string> {
  return Object.fromEntries(s.audio.map((r) => [r.path, r.version]));
}

function spec(s: SessionMessage): SessionSpec {
  return {
    frozen: plan?.frozen ?? [],
    fileVersions: fileVersions(s),
    model: overrides.apply(s.model),
    autoTrims: trims,
    headGainDb: analysis?.headGainDb ?? 0,
    generation: s.generation,
  };
}

/** The session's frame at `seconds`. */
function frameAt(seconds: number): number {
  return Math.round(seconds * rate());
}

function loopFrames(span: { from: number; to: number } | null): { from: number; to: number } | null {
  return span && { from: frameAt(span.from), to: frameAt(span.to) };
}

function audioRefs(s: SessionMessage): AudioRef[] {
  return [...s.audio, ...Object.values(s.references), ...(compared?.state === 'ready' ? [compared.audio] : [])];
}

function onAnalysis(a: Analysis): void {
  const headChanged = (a.headGainDb ?? 0) !== (analysis?.headGainDb ?? 0);
  analysis = a;
  frozenMeters = new Map((a.channelMeters?.channels ?? []).map((c) => [c.name, c]));
  view.waveform.setOverview({ peaks: [...a.overview.peaks], duration: a.overview.duration });
  view.setAnalysis(a);
  showLanes();
  if (headChanged) queueSession();
  if (listening) listen(listening);
}

// ---- Audio ------------------------------------------------------------

/** Starts the audio on the first user gesture; later calls share the first. */
function ensureAudio(): Promise<AudioOutput | null> {
  if (audio) return Promise.resolve(audio);
  if (!audioStarting) {
    audioStarting = (async () => {
      try {
        const out = await AudioOutput.create(rate(), processorUrl, {
          onMeters,
          onError: (path, text) => view.showError(path ? `${path}: ${text}` : text),
          onFreed: (buffers) => streamer.release(buffers),
          // For tests and benchmarks: what the audio thread plays frozen, and when it took the session.
          onLoaded: (m) => {
            document.body.dataset['frozenGroups'] = String(m.frozenGroups);
            document.body.dataset['loadedAt'] = String(Date.now());
          },
        });
        audio = out;
        view.attachSpectrum(out.analyser);
        // The streamed files' headers and whatever chunks are in go to the new processor; the session
        // follows once the start from the playhead is in. (An output made by a Play pressed
        // before the session came runs at the usual rate; when the session's differs, sendSession
        // starts the output again at the session's.)
        streamer.attach(out);
        if (session) queueSession();
        out.setLoop(loopFrames(loop));
        out.seek(frameAt(position));
        if (listening) listen(listening);
        return out;
      } catch (err) {
        view.showError(`Audio could not start: ${message(err)}`);
        return null;
      } finally {
        audioStarting = null;
      }
    })();
  }
  return audioStarting;
}

/** The session's rate changed: a new AudioContext, and every file sent again. A Play request stands throughout. */
async function restartAudio(): Promise<void> {
  const old = audio;
  audio = null;
  engineRunning = false;
  streamer.attach(null);
  await old?.close();
  const out = await ensureAudio();
  if (!out) setNotPlaying();
  else if (playing) {
    engineStarted = false;
    await start(out);
  }
}

/**
 * How long the browser may take to start the audio output after Play before
 * the panel asks for a click. Only a hint: the request stands, and playback
 * starts whenever the output does (on a busy machine that can take seconds).
 */
const GESTURE_HINT_MS = 3000;
const CLICK_TO_START = 'Click Play in this panel to start the audio (the browser lets only a click or a key press in the page start it).';

/**
 * Play: remembered at once, and carried out as soon as there is something to
 * play. Pressed before the session has come (or while its files load), the
 * page shows that it is loading and starts when they are in.
 */
async function play(): Promise<void> {
  playing = true;
  needsGesture = false;
  engineStarted = false;
  view.setPlaying(true);
  showState();
  showStatus();
  // The output is made now, while this click or key press still counts as the user's gesture
  // (a browser starts audio only then), even when the session has not come yet.
  const out = audio ?? (await ensureAudio());
  if (!out) {
    setNotPlaying(); // ensureAudio has said why
    return;
  }
  await start(out);
}

/**
 * Resumes the output for the standing Play request and starts the engine
 * (which plays once it has the session). A browser starts audio only after a
 * click or a key press in the page, and a command from the editor is
 * neither: when the output is still suspended after GESTURE_HINT_MS, the
 * panel says so instead of "playing" in silence, and keeps the request.
 */
async function start(out: AudioOutput): Promise<void> {
  if (!playing || audio !== out) return;
  if (out.context.state !== 'running') {
    const hint = setTimeout(() => {
      if (!playing || audio !== out || out.context.state === 'running') return;
      needsGesture = true;
      view.setPlaying(false); // the button offers Play: the click the browser waits for
      showStatus();
    }, GESTURE_HINT_MS);
    try {
      await out.context.resume();
    } catch (err) {
      // A closed context (the output was replaced meanwhile) is no failure of this request.
      if (playing && audio === out) {
        setNotPlaying();
        view.showError(`Audio could not start: ${message(err)}`);
      }
      return;
    } finally {
      clearTimeout(hint);
    }
  }
  if (!playing || audio !== out) return; // paused, or the output replaced, while it resumed
  if (needsGesture) {
    needsGesture = false;
    view.setPlaying(true);
  }
  out.play();
  body.dataset['outputLatency'] = out.outputLatency.toFixed(4);
  showStatus();
}

function setNotPlaying(): void {
  playing = false;
  needsGesture = false;
  view.setPlaying(false);
  showState();
  showStatus();
}

function pause(): void {
  setNotPlaying();
  audio?.pause();
}

function stop(): void {
  pause();
  seek(loop ? loop.from : 0);
}

/** Play/Pause as the button shows it: while the browser waits for a click, the button offers Play, and Play it is. */
async function togglePlay(): Promise<void> {
  if (playing && !needsGesture) pause();
  else await play();
}

/**
 * The page's state for tests and benchmarks (body data-state): 'playing'
 * while the engine plays; 'loading' while nothing is heard yet, either as
 * served (no audio output yet) or because Play waits for the session, its
 * audio files or the browser's output; else 'stopped'.
 */
function showState(): void {
  body.dataset['state'] = engineRunning ? 'playing' : playing || meterReports === 0 ? 'loading' : 'stopped';
}

/** The status line: the browser's wait for a click first, then the files loading, then what Play does now. */
function showStatus(): void {
  view.setStatus(needsGesture ? CLICK_TO_START : loadingText ?? settledStatus());
}

function settledStatus(): string {
  if (!session) return playing ? 'Loading the session… it plays as soon as it is here.' : 'Waiting for the session…';
  if (playing && audio?.context.state !== 'running') return 'Starting audio…';
  return audio ? '' : 'Ready. Press Play (or Space) to listen.';
}

/** A seek waits this long at most for the audio there; then it plays on, silent where the audio has not come. */
const SEEK_WAIT_MS = 1500;
let seekTicket = 0;

/**
 * Moves the playhead. While playing, the processor moves once the start
 * there is in (the streamer's START_SECONDS; at once where it is in
 * already), so a seek is not heard as a gap; the panel shows the new
 * position at once.
 */
function seek(seconds: number): void {
  position = Math.max(0, seconds);
  const frame = frameAt(position);
  const ticket = ++seekTicket;
  const out = audio;
  if (out) {
    const timeout = new Promise<void>((done) => setTimeout(done, playing ? SEEK_WAIT_MS : 0));
    void Promise.race([streamer.ready(frame), timeout]).then(() => {
      if (ticket === seekTicket && audio === out) out.seek(frame);
    });
  } else {
    streamer.update(frame, loop ? frameAt(loop.from) : null);
  }
  showPosition();
  saveState();
}

function setLoop(span: { from: number; to: number } | null): void {
  loop = span;
  view.waveform.setLoop(span);
  view.setLoopOn(span !== null);
  audio?.setLoop(loopFrames(span));
  saveState();
}

/** A/B: the mix (null), a reference or the compared version (by key), loudness-matched once the analysis has measured both. */
function listen(key: string | null): void {
  const target = key === null ? null : listenTarget(key);
  listening = target ? key : null;
  view.setListenOptions(listenOptions(), listening);
  if (!target) {
    audio?.listen(null);
    view.setMatch(null);
    return;
  }
  const lufs = target.lufs;
  const matched = analysis !== null && lufs !== null && Number.isFinite(lufs) && Number.isFinite(analysis.integratedLufs);
  const gainDb = matched ? analysis!.integratedLufs - lufs! : (target.writtenGainDb ?? 0);
  view.setMatch({ name: target.label, gainDb, matched, asWritten: target.writtenGainDb !== null });
  audio?.listen({ name: target.label, path: target.audio.path, gainDb });
}

/** What an A/B key plays, when it can play now: its file, its loudness if measured, and the gain the file gives it. */
function listenTarget(key: string): { label: string; audio: AudioRef; lufs: number | null; writtenGainDb: number | null } | null {
  if (key === VERSION_KEY) return compared?.state === 'ready' ? { label: compared.label, audio: compared.audio, lufs: compared.integratedLufs, writtenGainDb: null } : null;
  const ref = session?.model.references.find((r) => referenceKey(r.name) === key);
  const file = ref && session!.references[ref.name];
  return ref && file ? { label: ref.name, audio: file, lufs: analysis?.references[ref.name] ?? null, writtenGainDb: ref.gainDb } : null;
}

/** The A/B buttons besides the mix: the session's references, then the compared version. */
function listenOptions(): ListenOption[] {
  const options: ListenOption[] = (session?.model.references ?? []).map((r) => ({
    key: referenceKey(r.name), label: r.name, title: `Listen to the reference ${r.name}, loudness-matched`, disabled: false,
  }));
  const c = compared;
  if (c) {
    const title = c.state === 'ready' ? `Listen to ${c.description}, loudness-matched`
      : c.state === 'rendering' ? `Rendering ${c.description}…` : `${c.description} cannot be played: ${c.problem}`;
    options.push({ key: VERSION_KEY, label: c.label, title, disabled: c.state !== 'ready' });
  }
  return options;
}

/** A version to compare with came, changed state, or went: its render is fetched, and the buttons follow. */
function onCompared(c: ComparedVersion | null): void {
  compared = c;
  if (listening === VERSION_KEY && !listenTarget(VERSION_KEY)) listen(null);
  else view.setListenOptions(listenOptions(), listening);
  if (c?.state !== 'ready') return;
  // Streamed like the session's files: its header, then its chunks around the playhead.
  queueSession();
  void sessionQueue.then(() => {
    if (listening === VERSION_KEY) listen(VERSION_KEY);
  });
}

// ---- Meters -----------------------------------------------------------

function onMeters(m: MetersMessage): void {
  const s = m.meters;
  position = s.position / rate();
  showPosition();
  streamer.update(s.position, loop ? frameAt(loop.from) : null);
  if (m.missingFrames > 0 && s.running) starvedUntil = Date.now() + STARVED_NOTICE_MS;
  const failure = streamer.takeFailure();
  if (failure) view.showError(`${failure.path}: ${failure.reason}`);
  // The end of the session, or the engine stopped after it had started (an error): the button follows.
  // (Before it starts, Play may be waiting for the session or its audio files to load.)
  if (s.running) engineStarted = true;
  engineRunning = s.running;
  view.setAudioRunning(s.running);
  ++meterReports;
  if (s.ended || (playing && engineStarted && !s.running)) setNotPlaying();
  // A frozen channel does not run: its figures come from the analysis that rendered its stem, over
  // the frames played since the last report (none while stopped).
  const from = lastReportFrame;
  lastReportFrame = s.position;
  const envelopes = analysis?.channelMeters;
  (sentChannels.get(s.generation) ?? []).forEach((c, i) => {
    const row = rows.get(c.name);
    if (!row) return;
    let left = s.peaks[2 * i]!;
    let right = s.peaks[2 * i + 1]!;
    let gainReduction = s.gainReduction[i]!;
    if (plan?.frozenTracks.has(c.name) === true) {
      const envelope = frozenMeters.get(c.name);
      if (!envelope || !envelopes) return; // not measured yet: the meters rest
      // After a seek, the frames since the last report are not what was played: the last tenth of a second is.
      const start = s.position - from > 0 && s.position - from < rate() / 2 ? from : s.position - Math.round(rate() / 10);
      ({ left, right, gainReduction } = s.running ? metersOver(envelopes, envelope, start, s.position) : { left: 0, right: 0, gainReduction: 0 });
    }
    // A row out of view is not drawn, but its clip light still latches.
    if (!row.visible && left <= 1 && right <= 1) return;
    row.peak.set(toDb(left), toDb(right));
    row.gr?.set(-gainReduction);
  });
  view.setLoudness({
    momentary: s.running ? s.momentaryLufs : null,
    shortTerm: s.running ? s.shortTermLufs : null,
    integrated: s.integratedLufs,
    truePeak: s.truePeakDbtp,
  });
  view.setMasterPeak(s.running ? toDb(Math.max(s.outputPeakL, s.outputPeakR)) : null, toDb(s.outputPeakL), toDb(s.outputPeakR));
  const channels = session?.model.channels.length ?? 0;
  const frozen = plan?.frozenTracks.size ?? 0;
  view.setLoad(m.load, { audioBytes: streamer.heldBytes(), starved: Date.now() < starvedUntil, live: channels - frozen, frozen });
  showState();
  // For tests and benchmarks: which edit is heard, and how hard the audio thread works.
  body.dataset['heardAt'] = String(m.heardAt);
  body.dataset['generation'] = String(s.generation);
  body.dataset['reports'] = String(meterReports);
  body.dataset['heard'] = String(s.heard);
  body.dataset['listening'] = s.listening ?? '';
  body.dataset['load'] = m.load.toFixed(3);
}

let lastSavedSecond = -1;
function showPosition(): void {
  const map = session ? tempoMapOf(session.model) : null;
  const at = map?.position(position);
  view.setPosition(at ? formatBarBeat(at) : '–', formatClock(position));
  // A bar is the waveform's Shift+Arrow step: the bar the playhead is in, through the tempo map.
  if (map && at) view.waveform.barSeconds = map.barLength(at.bar);
  view.waveform.setPosition(position);
  view.lanes.setPosition(position);
  followEqAutomation();
  const second = Math.floor(position);
  if (second !== lastSavedSecond) {
    lastSavedSecond = second;
    saveState();
  }
}

/** Seconds of the bar at `seconds` (as the language counts bars, through the tempo map), or null when the file sets no tempo. */
function barLength(model: MixModel, seconds = 0): number | null {
  const map = tempoMapOf(model);
  return map ? map.barLength(map.position(seconds).bar) : null;
}

/** The tempo map of a model, made once per model (the position is shown every frame). */
let tempoMapCache: { readonly model: MixModel; readonly map: TempoMap | null } | null = null;
function tempoMapOf(model: MixModel): TempoMap | null {
  if (tempoMapCache?.model !== model) tempoMapCache = { model, map: TempoMap.of(model) };
  return tempoMapCache.map;
}

const toDb = (x: number) => (x > 0 ? 20 * Math.log10(x) : -Infinity);

// ---- Channels and the EQ curve ----------------------------------------

function channelKey(m: MixModel): string {
  return m.channels.map((c) => JSON.stringify([c.kind, c.name, c.label, c.hidden, c.inserts.some((i) => reportsGainReduction(i.type))])).join('|');
}

function buildChannelRows(model: MixModel): void {
  rows = view.buildChannels(model.channels, {
    select: (c) => {
      selected = c.name;
      showEq();
      showLanes();
      saveState();
      placeWarm();
    },
    approach: (c) => {
      approached = c?.name ?? null;
      placeWarm();
    },
    // The file may have changed since the row was made: act on the channel as it is now.
    mute: (c) => {
      const now = current(c);
      if (now) overrides.toggleMute(now);
      afterOverride();
    },
    solo: (c) => {
      const now = current(c);
      if (now) overrides.toggleSolo(now);
      afterOverride();
    },
  });
  updateChannelRows(model);
  // Rows drawn after the session went to the audio thread: frozen as it plays them.
  if (plan) for (const [name, row] of rows) row.setFrozen(plan.frozenTracks.has(name));
}

const current = (c: ChannelModel) => session?.model.channels.find((x) => x.name === c.name);

function updateChannelRows(model: MixModel): void {
  for (const c of model.channels) rows.get(c.name)?.setState(overrides.muted(c), overrides.soloed(c), c.name === selected, c.color);
}

function afterOverride(): void {
  if (!session) return;
  updateChannelRows(session.model);
  saveState();
  queueSession();
}

function showEq(): void {
  const model = session?.model;
  const channel = model?.channels.find((c) => c.name === selected) ?? model?.channels.find((c) => c.inserts.some((i) => i.type === 'eq'));
  if (!model || !channel) {
    view.eq.setEmpty('Select a channel to see its EQ');
    eqFollow = null;
    return;
  }
  eqFollow = eqLanes(model, channel);
  eqHeld = '';
  drawEq(model, eqFollow ? eqFollow.at(frameAt(position)) : channel);
}

/** The EQ curve of `channel` (as the file has it, or as its lanes have it at the playhead). */
function drawEq(model: MixModel, channel: ChannelModel): void {
  const eqs = channel.inserts.filter((i): i is EqModel => i.type === 'eq');
  if (eqs.length === 0) {
    view.eq.setEmpty(`${channel.name} has no EQ`);
    return;
  }
  const db = eqCurveDb(eqs, model.sampleRate, EQ_FREQS);
  const bands = eqs.flatMap((e) => (e.bypass ? [] : e.bands.map((b) => `${b.type} ${formatHz(b.freq)}${b.gainDb ? ` ${b.gainDb > 0 ? '+' : ''}${formatLevel(b.gainDb)} dB` : ''}`)));
  view.eq.setCurve(EQ_FREQS, db, channel.name, `EQ curve of ${channel.name}: ${bands.join(', ') || 'bypassed'}`);
}

// ---- Automation lanes ---------------------------------------------------

/** The shown channel's EQ band lanes, compiled once per session, and the band values last drawn. */
let eqFollow: { readonly at: (frame: number) => ChannelModel; readonly held: (frame: number) => string } | null = null;
let eqHeld = '';

/**
 * A channel's EQ band lanes as the engine reads them (each value held over
 * its 32-frame cell), or null when no band of it is automated.
 */
function eqLanes(model: MixModel, channel: ChannelModel) {
  const lanes = (channel.automation ?? []).filter((l) => l.target.kind === 'param' && l.target.band !== null && channel.inserts[l.target.insert]?.type === 'eq');
  if (lanes.length === 0) return null;
  const compiled = lanes.map((l) => ({ model: l, lane: new Lane(l, writtenValue(channel, l), model.sampleRate) }));
  return {
    held: (frame: number) => compiled.map((c) => c.lane.heldValue(frame)).join(' '),
    at: (frame: number): ChannelModel => ({
      ...channel,
      inserts: channel.inserts.map((p, k) => {
        if (p.type !== 'eq') return p;
        const mine = compiled.filter((c) => c.model.target.kind === 'param' && c.model.target.insert === k);
        if (mine.length === 0) return p;
        return {
          ...p,
          bands: p.bands.map((b, j) => {
            const moved = mine.filter((c) => c.model.target.kind === 'param' && c.model.target.band === j);
            return moved.reduce((band, c) => ({ ...band, [(c.model.target as { field: string }).field]: c.lane.heldValue(frame) }), b);
          }),
        };
      }),
    }),
  };
}

/** While playing (or after a seek), the EQ curve shows the band values the lanes give at the playhead. */
function followEqAutomation(): void {
  const model = session?.model;
  if (!eqFollow || !model) return;
  const frame = frameAt(position);
  const held = eqFollow.held(frame);
  if (held === eqHeld) return;
  eqHeld = held;
  drawEq(model, eqFollow.at(frame));
  body.dataset['eqFollows'] = held;
}

/** The selected channel's lanes under the waveform, sampled with the engine's own lane maths. */
function showLanes(): void {
  const model = session?.model;
  const channel = model?.channels.find((c) => c.name === selected);
  const duration = analysis?.overview.duration ?? 0;
  if (!model || !channel?.automation || duration <= 0) {
    view.lanes.setLanes(channel?.name ?? '', [], 0);
    return;
  }
  view.lanes.setMarkers(model.markers.map((k) => ({ time: k.time, label: k.name })));
  const columns = view.lanes.columns;
  view.lanes.setLanes(channel.name, channel.automation.map((l) => laneCurve(model, channel, l, duration, columns)), duration);
}

function laneCurve(model: MixModel, channel: ChannelModel, l: AutomationModel, duration: number, columns: number) {
  const lane = new Lane(l, writtenValue(channel, l), model.sampleRate);
  const values = new Float64Array(columns);
  for (let c = 0; c < columns; c++) {
    const frame = Math.round(((c + 0.5) / columns) * duration * model.sampleRate);
    values[c] = lane.valueIn(lane.segmentAt(frame), frame);
  }
  const finite = [...values].filter(Number.isFinite);
  let lo = finite.length > 0 ? Math.min(...finite) : -Infinity;
  let hi = finite.length > 0 ? Math.max(...finite) : -Infinity;
  const octave = l.scale === 'octave';
  const scaled = (v: number) => (v === -Infinity ? -Infinity : octave ? Math.log2(v) : v);
  const shownLo = lo;
  const shownHi = hi;
  lo = scaled(lo);
  hi = scaled(hi);
  // Silence (-inf dB) sits at the bottom; a flat lane in the middle.
  const heights = new Float32Array(columns);
  for (let c = 0; c < columns; c++) {
    const v = scaled(values[c]!);
    heights[c] = v === -Infinity ? 0 : hi > lo ? 0.08 + (0.84 * (v - lo)) / (hi - lo) : 0.5;
  }
  const silent = values.some((v) => v === -Infinity);
  const switched = l.target.kind === 'mute';
  const text = (v: number) => targetValueText(channel, l.target, v);
  return {
    label: targetText(channel, l.target),
    heights: switched ? Float32Array.from(values) : heights,
    switched,
    range: switched ? 'muted spans' : finite.length === 0 ? text(-Infinity) : `${silent ? text(-Infinity) : text(shownLo)} … ${text(shownHi)}`,
    points: l.points.map((p) => p.time),
  };
}

const formatHz = (f: number) => (f >= 1000 ? `${+(f / 1000).toFixed(2)} kHz` : `${+f.toFixed(1)} Hz`);

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// ---- Controls ---------------------------------------------------------

view.onPlay = () => void togglePlay();
view.onStop = stop;
view.onLoopToggle = () => {
  if (loop) setLoop(null);
  else {
    const len = analysis?.overview.duration ?? 0;
    // Without a selection, loop the next 4 bars (or 8 seconds) from the playhead.
    const bar = session ? barLength(session.model, position) : null;
    const span = bar ? 4 * bar : 8;
    setLoop({ from: position, to: len > 0 ? Math.min(len, position + span) : position + span });
  }
};
view.onListen = (name) => listen(name);
view.onRender = () => post({ type: 'render' });
view.onResetMeters = () => audio?.resetMeters();
view.waveform.onSeek = seek;
// The pointer resting on the overview: the audio there is fetched before the click that may follow.
let hoverTimer: ReturnType<typeof setTimeout> | undefined;
view.waveform.onHover = (seconds) => {
  clearTimeout(hoverTimer);
  hoverTimer = setTimeout(() => streamer.cueAt(frameAt(seconds)), HOVER_CUE_MS);
};
view.waveform.onLoop = setLoop;

document.addEventListener('keydown', (e) => {
  const target = e.target as HTMLElement | null;
  const typing = target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable);
  // Space plays and pauses, except on controls that Space activates themselves.
  if (e.key === ' ' && !typing && target?.tagName !== 'BUTTON' && target?.getAttribute('role') !== 'radio') {
    e.preventDefault();
    void togglePlay();
  }
});

if (loop) setLoop(loop);
showPosition();
showStatus();
post({ type: 'ready' });
