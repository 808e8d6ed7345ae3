#!/usr/bin/env python3
"""Recompute the fidelity table of docs/fidelity.md.

Replays every case of bench/fidelity/published.json (its 'command', '$SIM' = java -jar JAR, '{seed}'
= each of 'seeds', the median over seeds), extracts the figure ('extract': a dotted path into the
JSON output, 'lineN.' for the N-th JSON line of predict), multiplies by 'scale' and prints the signed
% error per case, then median / worst absolute error separately for the FIT and HELD-OUT cases and
for all non-makespan cases. --old runs each case's 'command_2026_12_01' instead (the commands before
engines existed). --check MEDIAN WORST exits 1 when the non-makespan fit median or worst exceed them.

--cases FILE: replay another case file of the same schema instead (e.g. bench/fidelity/published-more.json, the
second held-out set); a case the simulator refuses is printed with its error instead of stopping the run, and the
summary is the median / worst absolute error per 'group' (the source table), per 'split' when the file has several
(bench/fidelity/published-trtllm090.json: fit / heldout3) and over all non-makespan cases; --split S replays only
the cases of split S (e.g. the fit cases alone while fitting, so the held-out ones stay unseen).

--cross-gpu: a second, held-out check of a GPU never profiled. Every iteration-kind case on a GPU other
than the H100 (the A100 and H200 cases) is replayed with the roofline calibrated on the two H100
profiles (--calibrate-from h100/llama-2-7b,h100/llama-3-8b: compute carried to the case's GPU by the
ratio of sustained GEMM fractions of peak, memory by datasheet bandwidth; the engine preset replaces the
profiling harness's fixed time and unfused elementwise traffic) instead of the engine's own kernel model;
none of these cases was used to fit anything of that calibration, so its median / worst are held-out
figures for a GPU without a profile (except vllm-ci-h200-latency-8b, on which the vllm preset's host and
per-layer times were fitted; docs/fidelity.md).

--write-cases FILE: replay every set (1-7 and the cross-GPU check) and write every case, its prediction and error
and each set's summary as one generated markdown file (docs/fidelity-cases.md; PublishedFidelityTest checks it).

--all-sets: replay every further set (FURTHER_SETS: sets 2-7, 364 cases, none of them fitted but set 3's fit split)
and print each set's summary, then the pooled ones over sets 2-5 (140 cases) and 2-6 (188 cases), the figures of
earlier sessions, and over all of them (median, mean, rows over 15%): the figure for
the issue's "the same on other published measurements". Cases run in parallel (one simulator process each; the
results do not depend on the order).

usage: python3 bench/fidelity.py [target/simfaasinfer.jar] [--old | --cross-gpu] [--markdown] [--check 5 15]
       python3 bench/fidelity.py [JAR] --cases bench/fidelity/published-more.json [--markdown] [--split SPLIT]
       python3 bench/fidelity.py [JAR] --all-sets
       python3 bench/fidelity.py [JAR] --write-cases docs/fidelity-cases.md
"""
import csv, json, os, statistics, subprocess, sys, tempfile
from concurrent.futures import ThreadPoolExecutor

FURTHER_SETS = ['bench/fidelity/published-more.json', 'bench/fidelity/published-trtllm090.json',
                'bench/fidelity/published-trtllm050.json', 'bench/fidelity/published-trtllm090-models.json',
                'bench/fidelity/published-lambda.json', 'bench/fidelity/published-lambda-tp.json']
# the sets 2-5 and 2-6 of earlier sessions' pooled figures, printed beside the pool over every further set
SETS_2_5 = FURTHER_SETS[:4]
SETS_2_6 = FURTHER_SETS[:5]


def pooled_line(label, ab):
    return '%s: median %.2f%%, mean %.2f%%, worst %.1f%%, %d of %d over 15%%' % (
        label, statistics.median(ab), statistics.mean(ab), max(ab), sum(a > 15 for a in ab), len(ab))


args = sys.argv[1:]
jar = next((a for a in args if a.endswith('.jar')), 'target/simfaasinfer.jar')
old = '--old' in args
cross = '--cross-gpu' in args
CALIBRATE = ' --calibrate-from data/profiling/compute/h100/llama-2-7b,data/profiling/compute/h100/llama-3-8b'
md = '--markdown' in args
check = None
if '--check' in args:
    i = args.index('--check')
    check = (float(args[i + 1]), float(args[i + 2]))
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(root)
more = args[args.index('--cases') + 1] if '--cases' in args else None
only = args[args.index('--split') + 1] if '--split' in args else None
d = json.load(open(more or 'bench/fidelity/published.json'))


def run(c, cross_gpu_run=None):
    if cross_gpu_run is None:
        cross_gpu_run = cross
    vals = []
    for s in c.get('seeds') or [None]:
        cmd = c['command_2026_12_01' if old else 'command']
        if old:
            cmd = cmd.replace('../shared/fidelity/', 'bench/fidelity/')
        cmd = cmd.replace('$SIM', 'java -jar ' + jar).replace('{seed}', str(s))
        if cross_gpu_run:
            cmd = cmd.replace(' --json', CALIBRATE + ' --json', 1)
        per_request = c['extract'].startswith('requests.')
        if per_request:
            fd, requests_out = tempfile.mkstemp(suffix='.csv')
            os.close(fd)
            os.remove(requests_out)
            cmd += ' --requests-out ' + requests_out
        out = subprocess.run(cmd, shell=True, capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(c['id'] + ': ' + (out.stderr.strip().splitlines() or ['?'])[-1])
        keys = c['extract'].split('.')
        if per_request:
            vals.append(benchmark_serving_median(cmd, requests_out, keys[1]) * (c.get('scale') or 1.0))
            os.remove(requests_out)
            continue
        if keys[0].startswith('line'):
            v = json.loads(out.stdout.strip().splitlines()[int(keys[0][4:])])
            keys = keys[1:]
        else:
            v = json.loads(out.stdout)
        for k in keys:
            v = v[k]
        vals.append(v * (c.get('scale') or 1.0))
    return statistics.median(vals)


def benchmark_serving_median(cmd, requests_out, column):
    """'requests.ttft_ms.median' / 'requests.tpot_ms.median': the median as vLLM's benchmark_serving.py
    (v0.6.0, calculate_metrics) computes it from its per-request results, here from the simulator's
    --requests-out CSV: numpy's median (the mean of the two middle values of an even count, where the
    report's p50 is the lower one); a request whose trace row has 0 output tokens received no text, so the
    benchmark counts its TTFT as 0 (its first-chunk time is never set) and gives it no TPOT (the simulator
    raises it to 1 token and counts it, trace_zero_lengths_raised_to_1); TPOT only over requests of more than
    one output token."""
    trace = cmd.split('--trace ')[1].split()[0]
    with open(trace) as f:
        outputs = [int(r['num_decode_tokens']) for r in csv.DictReader(f)]
    with open(requests_out) as f:
        rows = sorted(csv.DictReader(f), key=lambda r: int(r['id']))
    if len(rows) != len(outputs):
        raise RuntimeError('%s: %d requests simulated, %d in the trace' % (requests_out, len(rows), len(outputs)))
    if column == 'ttft_ms':
        v = [0.0 if o == 0 else float(r['ttft_ms']) for r, o in zip(rows, outputs)]
    elif column == 'tpot_ms':
        v = [float(r['tpot_ms']) for r, o in zip(rows, outputs) if o > 1]
    else:
        raise RuntimeError('per-request extract of ' + column + ': only ttft_ms and tpot_ms')
    return statistics.median(v)


def cross_gpu(c):
    """An iteration case on a GPU with no profile of its own (not the H100s, where the profiles are)."""
    return c['kind'] == 'iteration' and 'h100' not in c['command'].split('--gpu ')[1].split()[0]


def attempt(c, cross_gpu_run=False):
    """(case, prediction, signed % error), or (case, None, the refusal) when the simulator refuses it."""
    try:
        pred = run(c, cross_gpu_run)
        return c, pred, 100 * (pred - c['measured']) / c['measured']
    except RuntimeError as ex:
        return c, None, str(ex)


def replay_more(cases):
    """--cases FILE: every case of another file; refusals are reported, not fatal; summary per group."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        got = list(pool.map(attempt, [c for c in cases if not only or c.get('split') == only]))
    if md:
        print('| case | group | kind | engine | measured | predicted | error |')
        print('| --- | --- | --- | --- | --- | --- | --- |')
    for c, pred, e in got:
        if pred is None:
            print(('| %s | %s | %s | %s | %g | refused | %s |' if md else '%-52s %s %s %s %10g refused: %s')
                  % (c['id'], c.get('group', ''), c['kind'], c['engine'], c['measured'], e))
        elif md:
            print('| %s | %s | %s | %s | %g | %.4g | %+.1f%% |' % (c['id'], c.get('group', ''), c['kind'], c['engine'],
                                                              c['measured'], pred, e))
        else:
            print('%-52s %-18s %10g %10.4g %+7.1f%%' % (c['id'], c['kind'], c['measured'], pred, e))
    print()
    ok = [(c, e) for c, p, e in got if p is not None and c['kind'] != 'serving-makespan']
    groups = []
    for c, e in ok:
        if c.get('group') not in groups:
            groups.append(c.get('group'))
    for g in groups + [None]:
        ab = [abs(e) for c, e in ok if g is None or c.get('group') == g]
        print('%s: median %.1f%% worst %.1f%% (n=%d)' % (g or 'all, not makespan', statistics.median(ab), max(ab), len(ab)))
    splits = []
    for c, e in ok:
        if c.get('split') not in splits:
            splits.append(c.get('split'))
    if len(splits) > 1:
        for sp in splits:
            ab = [abs(e) for c, e in ok if c.get('split') == sp]
            print('split %s: median %.1f%% worst %.1f%% (n=%d)' % (sp, statistics.median(ab), max(ab), len(ab)))
    refused = [c['id'] for c, p, e in got if p is None]
    if refused:
        print('refused (%d): %s' % (len(refused), ', '.join(refused)))
    return [abs(e) for c, e in ok]


SECTIONS = [('Set 1: the published set', 'bench/fidelity/published.json', False),
            ('The cross-GPU check: set 1\'s iteration cases off the H100, over the H100-calibrated roofline',
             'bench/fidelity/published.json', True),
            ('Set 2: further published measurements', FURTHER_SETS[0], False),
            ('Set 3: TensorRT-LLM v0.9.0 on H100, L40S and A100', FURTHER_SETS[1], False),
            ('Set 4: TensorRT-LLM v0.5.0, batches 16-64', FURTHER_SETS[2], False),
            ('Set 5: Mistral 7B and GPT-J 6B in TensorRT-LLM v0.9.0', FURTHER_SETS[3], False),
            ('Set 6: vLLM v0.6.0 serving runs with exact lengths (LambdaLabsML/vllm-benchmark)', FURTHER_SETS[4], False),
            ('Set 7: the same series under tensor parallelism (2x and 4x H100)', FURTHER_SETS[5], False)]


def write_cases(path):
    """--write-cases FILE: every case of every set, as predicted by JAR now, as one generated markdown file."""
    out = ['# Every fidelity case, as predicted now', '',
           'Generated by `python3 bench/fidelity.py --write-cases docs/fidelity-cases.md` from the build of the code',
           'beside it; do not edit by hand. Each case\'s source, setup, assumptions and command are in its case file; what the',
           'sets are, how they were chosen and split, and what each deviation means are in docs/fidelity.md. Error =',
           '(predicted - measured) / measured. `PublishedFidelityTest` checks every prediction of every set here',
           'against this file (relative 1e-5; all but set 1\'s two makespan cases, which it does not replay), so the',
           'file cannot fall behind the code unnoticed.',
           'Summaries leave out the makespan cases (decided by one request\'s exact length).', '']
    pooled = {}
    for title, f, xg in SECTIONS:
        cases = json.load(open(f))['cases']
        if xg:
            cases = [c for c in cases if cross_gpu(c)]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            got = list(pool.map(lambda c: attempt(c, xg), cases))
        out += ['## %s' % title, '', '`%s`%s' % (f, ' `--cross-gpu`' if xg else ''), '',
                '| case | group | split | kind | engine | measured | predicted | error |',
                '| --- | --- | --- | --- | --- | --- | --- | --- |']
        for c, pred, e in got:
            if pred is None:
                out.append('| %s | %s | %s | %s | %s | %g | refused | %s |' % (
                    c['id'], c.get('group', ''), c.get('split', ''), c['kind'], c['engine'], c['measured'], e))
            else:
                out.append('| %s | %s | %s | %s | %s | %g | %.6g | %+.1f%% |' % (
                    c['id'], c.get('group', ''), c.get('split', ''), c['kind'], c['engine'], c['measured'], pred, e))
        out.append('')
        ok = [(c, abs(e)) for c, p, e in got if p is not None and c['kind'] != 'serving-makespan']
        if xg:
            out.append('(split: set 1\'s, i.e. what the engine presets were fitted on; what the cross-GPU calibration '
                       'was fitted on is in docs/fidelity.md, "A GPU never profiled".)')
        for sp in ([] if xg else sorted({c.get('split', '') for c, _ in ok})):
            ab = [a for c, a in ok if c.get('split', '') == sp]
            out.append('- split %s: median %.1f%%, worst %.1f%% (n=%d)' % (sp, statistics.median(ab), max(ab), len(ab)))
        ab = [a for _, a in ok]
        out.append('- all: median %.1f%%, worst %.1f%%, %d over 15%% (n=%d)' % (
            statistics.median(ab), max(ab), sum(a > 15 for a in ab), len(ab)))
        out.append('')
        if f in FURTHER_SETS:
            pooled[f] = ab
    out.append(pooled_line('Sets 2-5 pooled', [a for f in SETS_2_5 for a in pooled[f]]) + '.')
    out.append('')
    out.append(pooled_line('Sets 2-6 pooled', [a for f in SETS_2_6 for a in pooled[f]]) + '.')
    out.append('')
    out.append(pooled_line('Sets 2-7 pooled', [a for f in FURTHER_SETS for a in pooled[f]]) + '.')
    if os.path.exists(path) and not open(path).read().startswith(out[0]):
        sys.exit('fidelity.py: %s exists and is not a file this script generated; not overwritten' % path)
    with open(path, 'w') as fh:
        fh.write('\n'.join(out) + '\n')
    print('wrote %s (%d sets)' % (path, len(SECTIONS)))


if '--write-cases' in args:
    write_cases(args[args.index('--write-cases') + 1])
    sys.exit(0)
if '--all-sets' in args:
    pooled = {}
    for f in FURTHER_SETS:
        print('== %s' % f)
        pooled[f] = replay_more(json.load(open(f))['cases'])
        print()
    print(pooled_line('sets 2-5 pooled, not makespan', [a for f in SETS_2_5 for a in pooled[f]]))
    print(pooled_line('sets 2-6 pooled, not makespan', [a for f in SETS_2_6 for a in pooled[f]]))
    print(pooled_line('sets 2-7 pooled, not makespan', [a for f in FURTHER_SETS for a in pooled[f]]))
    sys.exit(0)
if more:
    replay_more(d['cases'])
    sys.exit(0)

rows = []
for c in d['cases']:
    if cross and not cross_gpu(c):
        continue
    pred = run(c)
    rows.append((c, pred, 100 * (pred - c['measured']) / c['measured']))

if md:
    print('| case | split | kind | engine | measured | predicted | error |')
    print('| --- | --- | --- | --- | --- | --- | --- |')
for c, pred, e in rows:
    if md:
        print('| %s | %s | %s | %s | %g | %.4g | %+.1f%% |' % (c['id'], c['split'], c['kind'], c['engine'],
                                                          c['measured'], pred, e))
    else:
        print('%-48s %-8s %-17s %10g %10.4g %+7.1f%%' % (c['id'], c['split'], c['kind'], c['measured'], pred, e))


def summary(name, sel):
    ab = [abs(e) for c, p, e in rows if sel(c)]
    if ab:
        print('%s: median %.1f%% worst %.1f%% (n=%d)' % (name, statistics.median(ab), max(ab), len(ab)))
    return ab


print()
if cross:
    summary('cross-gpu, H100-calibrated roofline (held-out)', lambda c: True)
    summary('  A100', lambda c: 'a100' in c['command'])
    summary('  H200', lambda c: 'h200' in c['command'])
    sys.exit(0)
fit = summary('fit, not makespan', lambda c: c['split'] == 'fit' and c['kind'] != 'serving-makespan')
summary('held-out, not makespan', lambda c: c['split'] == 'heldout' and c['kind'] != 'serving-makespan')
summary('all, not makespan', lambda c: c['kind'] != 'serving-makespan')
summary('makespan (sanity only)', lambda c: c['kind'] == 'serving-makespan')
if check and (statistics.median(fit) > check[0] or max(fit) > check[1]):
    print('fit error above --check %g %g' % check)
    sys.exit(1)
