#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora into Tests/Fuzz/Corpus/<target>/ (committed; run again only to change
them). Media seeds need ffmpeg on PATH. Each seed is small (media under 20 KB) so a fuzz run mutates it fast.

    python3 Tests/Fuzz/make-corpus.py

Seeds are valid inputs plus a few deliberately odd ones: the fuzzer finds the rest by mutation. Inputs a fuzz
run found that crashed (fixed since) are kept under `regression-*` names and never rewritten here.
"""
import ctypes
import ctypes.util
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, 'Corpus')


def dict_entry(text):
    """`text` as a libFuzzer dictionary line: quoted, with backslash, quote and hex escapes."""
    out = ''
    for b in text.encode():
        out += '\\' + chr(b) if chr(b) in '\\"' else chr(b) if 0x20 <= b < 0x7F else '\\x%02X' % b
    return '"' + out + '"'


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data.encode() if isinstance(data, str) else data)


# MARK: - Presets (YAML text)

ODD_PRESETS = {
    'empty.yaml': '',
    'only-version.yaml': 'version: 3\n',
    'version-1-renamed-keys.yaml': 'version: 1\nhighlights:\n  diffusionIterations: 4\nwindow:\n  lookAheadFrames: 1\n'
                                   'fusion:\n  guideRadius: 3\n',
    'version-2-shadows.yaml': 'version: 2\nshadows:\n  enabled: true\n  radiusFrames: 1\n  strength: 0.5\n'
                              '  noiseSigmaLinear: 0.01\n',
    'flow-style.yaml': '{version: 3, output: {transfer: hlg, peakNits: 1000}, masks: {blurRadiusPixels: 2}}\n',
    'anchors-aliases.yaml': 'version: 3\noutput: &o\n  peakNits: 4000\ndenoise: *o\n',
    'tags.yaml': 'version: !!int 3\ndescription: !!str 12\noutput:\n  peakNits: !!float 1e3\n  transfer: !custom pq\n',
    'duplicate-key.yaml': 'version: 3\noutput:\n  peakNits: 1000\n  peakNits: 2000\n',
    'unknown-key.yaml': 'version: 3\noutpt:\n  peakNit: 1000\n',
    'wrong-types.yaml': 'version: 3\noutput: [1, 2]\nmasks:\n  blurRadiusPixels: {a: b}\n',
    'out-of-range.yaml': 'version: 3\noutput:\n  peakNits: -5\n',
    'multi-document.yaml': 'version: 3\n---\nversion: 2\n...\n',
    'deep.yaml': 'version: 3\ndescription: ' + '[' * 31 + ']' * 31 + '\n',
    'too-deep.yaml': 'version: 3\ndescription: ' + '[' * 40 + ']' * 40 + '\n',
    'quoted-description.yaml': 'version: 3\ndescription: "tab\\there \\u00e9 \\x85 \\N \\L \\P \\" \' [ #"\n',
    'block-scalar.yaml': 'version: 3\ndescription: |\n  two\n  lines\n',
    'crlf-bom.yaml': '\ufeffversion: 3\r\noutput:\r\n  transfer: hlg\r\n',
    'tabs-and-comments.yaml': '# comment\nversion: 3 # trailing\noutput:\n\t peakNits: 1000\n',
    'numbers.yaml': 'version: 3\noutput:\n  peakNits: 1_000.0\nmasks:\n  blurRadiusPixels: 0x2\n  temporalWeight: .5\n',
    'null-sections.yaml': 'version: 3\nmasks:\noutput: ~\ndenoise: null\n',
    'aliases-nested.yaml': 'version: 3\na: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n',
    'nul-escape.yaml': 'version: 3\ndescription: "a\\0b"\n',
}


def presets():
    for name in sorted(os.listdir(os.path.join(ROOT, 'Presets'))):
        if name.endswith('.yaml'):
            shutil.copy(os.path.join(ROOT, 'Presets', name), os.path.join(CORPUS, 'PresetLoader', name))
    for name, text in ODD_PRESETS.items():
        write('PresetLoader', name, text)


# MARK: - Preset dictionary (-dict= for both preset targets)

DICT_TOKENS = ['version: ', 'description: ', ': ', '\n  ', '- ', '---', '...', '&a ', '*a', '!!str ', '!!int ', '!!float ',
               '!!bool ', '~', 'null', 'true', 'false', 'on', 'off', 'yes', 'no', '.inf', '-.inf', '.nan', '1_000', '0x1F',
               '0o17', '1e3', '-0.0', '"', "'", '|', '>', '#', '{', '}', '[', ']', ',', '? ', '\\u2028', '\\x85', '\\N',
               '\\L', '\\P', '\\x00', '\t', '\r\n', '\u2028', '\x85', '\ufeff', '%YAML 1.1', '%TAG ! tag:x,2000:',
               '<<: ']
DICT_VALUES = ['pq', 'hlg', 'linear', 'srgb', 'bt1886', 'bt709', 'bt2020', 'p3-d65', 'recover', 'knee', 'bt2446a',
               'bt2446c', 'yuv420p10le', 'gbrpf32le', 'auto']


def dictionary():
    """YAML syntax, the section and key names listed in Sources/Presets/README.md, and typical values."""
    with open(os.path.join(ROOT, 'Sources', 'Presets', 'README.md'), encoding='utf-8') as f:
        keys = sorted(set(re.findall(r'`([a-z]+\.[a-zA-Z]+)`', f.read())))
    lines = ['# libFuzzer dictionary for the preset targets; written by make-corpus.py.']
    lines += [dict_entry(t) for t in DICT_TOKENS]
    lines += [dict_entry(s + ':') for s in sorted({k.split('.')[0] for k in keys})]
    lines += [dict_entry(f + ': ') for f in sorted({k.split('.')[1] for k in keys})]
    lines += [dict_entry(k + '=') for k in keys]
    lines += [dict_entry(v) for v in DICT_VALUES]
    with open(os.path.join(HERE, 'presets.dict'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


# MARK: - --set overrides (NUL-separated arguments)

OVERRIDES = {
    'each-type': ['output.peakNits=4000', 'window.maxLookAheadFrames=2', 'denoise.enabled=true',
                  'output.primaries=p3-d65', 'output.transfer=hlg', 'masks.temporalWeight=0.5', 'description=custom'],
    'yaml-scalars': ['output.peakNits=4_000', 'expansion.enabled=off', 'description="quoted \\u00e9"',
                     "description='single'"],
    'later-wins': ['output.peakNits=2000', 'output.peakNits=1000'],
    'malformed': ['output.peakNits', '=5', ' = '],
    'unknown-key': ['output.peakNit=1000'],
    'wrong-type': ['output.peakNits=[1, 2]', 'denoise.enabled={a: b}'],
    'out-of-range': ['output.peakNits=50'],
    'syntax': ['output.peakNits="unterminated', 'description=a: b'],
    'deep': ['description=' + '[' * 40 + ']' * 40],
    'empty-value': ['description=', 'output.transfer='],
    'description-controls': ['description="\\x01\\x7f\\x85\\u2028 \\t \\n"'],
}


def overrides():
    for name, args in OVERRIDES.items():
        write('PresetOverrides', name, '\0'.join(args))


# MARK: - Event files

EVENTS = {
    'valid.txt': '# reexpose events: t[s] x y p\n4 3\n0.000000 0 0 +1\n0.010000 1 2 -1\n0.040000 3 2 1\n'
                 '0.050000 2 1 0\n0.500000 0 0 +1\n2.000000 3 0 -1\n',
    'header-only.txt': '16 16\n',
    'blank-and-comments.txt': '\n# c\n  \n\t# indented comment\n8 8\n\n0.01 1 1 1\n# mid\n0.02 2 2 -1\n',
    'crlf-commas.txt': '4,4\r\n0.01,1,1,1\r\n0.05,2,2,-1\r\n',
    'unsorted.txt': '4 4\n0.5 1 1 1\n0.1 1 1 1\n',
    'outside-sensor.txt': '4 4\n0.1 4 0 1\n',
    'bad-polarity.txt': '4 4\n0.1 1 1 2\n',
    'bad-time.txt': '4 4\nnan 1 1 1\ninf 1 1 1\n',
    'too-large.txt': '16385 16\n',
    'same-time.txt': '2 2\n0.04 0 0 1\n0.04 1 1 1\n0.04 0 1 -1\n',
    'before-first-frame.txt': '2 2\n-1.0 0 0 1\n0 1 1 1\n0.02 1 0 1\n',
}


def events():
    for name, text in EVENTS.items():
        write('EventFile', name, text)


# MARK: - Safetensors

def safetensors(tensors, metadata=None, pad=0):
    """tensors: name -> (dtype, shape, raw bytes). Written as huggingface/safetensors lays them out."""
    header, data = {}, b''
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {'dtype': dtype, 'shape': shape, 'data_offsets': [len(data), len(data) + len(raw)]}
        data += raw
    if metadata is not None:
        header['__metadata__'] = metadata
    text = json.dumps(header).encode() + b' ' * pad
    return struct.pack('<Q', len(text)) + text + data


def weights():
    f32 = lambda *v: struct.pack('<%df' % len(v), *v)
    f16 = lambda *v: struct.pack('<%de' % len(v), *v)
    bf16 = lambda *v: b''.join(struct.pack('<f', x)[2:] for x in v)
    seeds = {
        'f32-ranks.safetensors': safetensors({
            'scalar': ('F32', [], f32(1.5)),
            'vector': ('F32', [3], f32(1, 2, 3)),
            'matrix': ('F32', [2, 2], f32(1, 0, 0, 1)),
            'conv.weight': ('F32', [2, 1, 1, 2], f32(0.5, -0.5, 0.25, -0.25)),
        }, metadata={'format': 'pt'}),
        'f16-bf16.safetensors': safetensors({
            'half': ('F16', [4], f16(0.0, -2.0, 65504.0, 6e-8)),
            'brain': ('BF16', [2, 2], bf16(1.0, -1.0, 3.0, 0.5)),
        }),
        'empty-tensor.safetensors': safetensors({'none': ('F32', [0, 3], b'')}),
        'unsupported-dtype.safetensors': safetensors({'ints': ('I32', [2], struct.pack('<2i', 1, 2))}),
        'rank5.safetensors': safetensors({'r5': ('F32', [1, 1, 1, 1, 2], f32(1, 2))}),
        'nonfinite.safetensors': safetensors({'nan': ('F32', [2], f32(float('nan'), 1))}),
        'padded-header.safetensors': safetensors({'v': ('F32', [1], f32(7))}, pad=5),
        'truncated.safetensors': safetensors({'v': ('F32', [4], f32(1, 2, 3, 4))})[:-3],
        'empty-header.safetensors': struct.pack('<Q', 2) + b'{}',
    }
    for name, data in seeds.items():
        write('SafeTensors', name, data)
    # Real layer fixtures, small ones only.
    for name in ('linear.safetensors', 'branch_softmax.safetensors', 'timestep.safetensors'):
        shutil.copy(os.path.join(ROOT, 'Tests', 'Fixtures', 'nn', name),
                    os.path.join(CORPUS, 'SafeTensors', 'nn-' + name))


# MARK: - Media

def media():
    """A few frames of testsrc at 16×16 (32×32 for codecs with 16-pixel blocks) in each container the CLI reads."""
    src = ['-f', 'lavfi', '-i', 'testsrc=size=16x16:rate=25:duration=0.12']
    tags = ['-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709']
    jobs = {
        'rawvideo.mkv': src + ['-c:v', 'rawvideo', '-pix_fmt', 'yuv420p'] + tags,
        'ffv1-audio.mkv': src + ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.12:sample_rate=8000',
                                 '-c:v', 'ffv1', '-pix_fmt', 'yuv444p', '-c:a', 'pcm_s16le', '-ac', '1'],
        'rgb24.nut': src + ['-c:v', 'rawvideo', '-pix_fmt', 'rgb24'],
        'gray10.nut': src + ['-c:v', 'rawvideo', '-pix_fmt', 'gray10le'],
        'yuv422p.y4m': src + ['-pix_fmt', 'yuv422p'],
        'yuv420p10.y4m': src + ['-pix_fmt', 'yuv420p10le', '-strict', '-1'],
        'mpeg2.ts': ['-f', 'lavfi', '-i', 'testsrc=size=32x32:rate=25:duration=0.12',
                     '-c:v', 'mpeg2video', '-pix_fmt', 'yuv420p'] + tags,
        'mpeg4.mp4': ['-f', 'lavfi', '-i', 'testsrc=size=32x32:rate=25:duration=0.12',
                      '-c:v', 'mpeg4', '-pix_fmt', 'yuv420p'],
        'h264.mkv': ['-f', 'lavfi', '-i', 'testsrc=size=32x32:rate=25:duration=0.12',
                     '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'] + tags,
        'pq-tagged.mkv': src + ['-c:v', 'rawvideo', '-pix_fmt', 'yuv420p', '-color_primaries', 'bt2020',
                                '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc'],
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in jobs.items():
            out = os.path.join(tmp, name)
            subprocess.run(['ffmpeg', '-nostdin', '-loglevel', 'error', '-y'] + args + ['-fflags', '+bitexact', out], check=True)
            with open(out, 'rb') as f:
                data = f.read()
            assert len(data) < 20_000, (name, len(data))
            write('MediaReader', name, data)
        # Raw frames (the target's own header: 0xFF, width-1, height-1, pixel format number LE16).
        avutil = ctypes.CDLL(ctypes.util.find_library('avutil'))
        for name, fmt in [('raw-yuv420p', 'yuv420p'), ('raw-nv12', 'nv12'), ('raw-rgb48', 'rgb48le'), ('raw-yuyv422', 'yuyv422')]:
            number = avutil.av_get_pix_fmt(fmt.encode())  # the enum value of this libav build
            out = os.path.join(tmp, name)
            subprocess.run(['ffmpeg', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i',
                            'testsrc=size=8x8:rate=25:duration=0.08', '-f', 'rawvideo', '-pix_fmt', fmt, out],
                           check=True)
            with open(out, 'rb') as f:
                write('MediaReader', name, bytes([0xFF, 7, 7]) + struct.pack('<H', number) + f.read())
        # Synthetic raw frames (a byte ramp) in formats swscale cannot write or that take other reading paths.
        for fmt in ['gray16le', 'yuv410p', 'p010le', 'bgra', 'gbrp10le', 'yuv444p16le', 'x2rgb10le', 'ya8', 'uyvy422',
                    'yuva420p', 'nv21', 'rgb565le', 'y210le', 'xyz12le', 'pal8', 'gbrpf32le', 'yuv420p10be']:
            number = avutil.av_get_pix_fmt(fmt.encode())
            size = avutil.av_image_get_buffer_size(number, 8, 8, 1)
            assert number >= 0 and size > 0, fmt
            ramp = bytes((i * 37) & 0xFF for i in range(2 * size))
            write('MediaReader', 'raw-' + fmt, bytes([0xFF, 7, 7]) + struct.pack('<H', number) + ramp)
    write('MediaReader', 'garbage', b'not media at all\n' * 4)


# MARK: - Dictionaries for the binary/text formats without one in libFuzzer's own comparisons

SAFETENSORS_DICT = ['"dtype"', '"shape"', '"data_offsets"', '"__metadata__"', '"F32"', '"F16"', '"BF16"', '"F64"', '"I8"',
                    '"BOOL"', '9223372036854775807', '18446744073709551615', '-1', '1e300', '0.5', 'true', 'null', '[]',
                    '{}', '[0,0]', '\\u0000']
EVENTS_DICT = ['nan', 'inf', '-inf', '1e308', '4.9e-324', '-0', '+1', '-1', '0x10', '9223372036854775807', '16384', '\r\n',
               '\t', ',', '# ', '\n']


def dictionaries():
    for name, tokens in (('safetensors.dict', SAFETENSORS_DICT), ('events.dict', EVENTS_DICT)):
        with open(os.path.join(HERE, name), 'w') as f:
            f.write('# libFuzzer dictionary; written by make-corpus.py.\n' + '\n'.join(dict_entry(t) for t in tokens) + '\n')


def main():
    for target in ('PresetLoader', 'PresetOverrides', 'EventFile', 'SafeTensors', 'MediaReader'):
        d = os.path.join(CORPUS, target)
        os.makedirs(d, exist_ok=True)
        for name in os.listdir(d):
            if not name.startswith('regression-'):
                os.remove(os.path.join(d, name))
    presets()
    dictionary()
    overrides()
    events()
    weights()
    media()
    dictionaries()


if __name__ == '__main__':
    main()
