#!/usr/bin/env python3
"""Man pages from docs/ikernel.1.md (one source for the web and man): pandoc renders roff.

  man.py PANDOC ikernel.1.md 1 OUT VERSION CONFDIR      -> ikernel.1 (the whole page)
  man.py PANDOC ikernel.1.md 5 OUT VERSION CONFDIR      -> ikernel-manifest.5 (its MANIFESTS,
                                                           RECOVERY and LIMITATIONS sections)

The page's "## X" sections become man sections (.SH), "### X" subsections (.SS); headings inside
code blocks are left alone.
"""
import re
import subprocess
import sys


def sections(text):
    """[(heading or None, [lines])] by '## ' headings, outside code fences."""
    out, cur, fence = [], (None, []), False
    for line in text.splitlines():
        if line.startswith('```'):
            fence = not fence
        if not fence and line.startswith('## '):
            out.append(cur)
            cur = (line[3:].strip(), [])
        else:
            cur[1].append(line)
    out.append(cur)
    return out


def shift(lines):
    """'### X' -> '## X' outside code fences (a '## X' section heading is written as '# X')."""
    res, fence = [], False
    for line in lines:
        if line.startswith('```'):
            fence = not fence
        if not fence and line.startswith('### '):
            line = line[1:]
        res.append(line)
    return res


def page(name, section, version, body):
    meta = ['---', f'title: {name.upper()}', f'section: {section}', f'footer: ikernel {version}',
            'header: iKernel manual', '---', '']
    return '\n'.join(meta + body) + '\n'


def main():
    pandoc, src, kind, out, version, confdir = sys.argv[1:7]
    text = open(src, encoding='utf-8').read()
    secs = sections(text)
    title = secs[0][1][0] if secs[0][1] else ''
    m = re.match(r'#\s*ikernel\(1\)\s*[—-]+\s*(.*)', title)
    if not m:
        sys.exit(f'{src}: the first line must be "# ikernel(1) — WHAT IT IS"')
    named = {h: lines for h, lines in secs[1:]}
    if kind == '1':
        body = ['# NAME', '', f'ikernel - {m.group(1)}', '']
        for h, lines in secs[1:]:
            body += ['', f'# {h}'] + shift(lines)
        body += ['', '# SEE ALSO', '', '**ikernel-manifest**(5), **systemd.service**(5)', '']
        md = page('ikernel', 1, version, body)
    elif kind == '5':
        for need in ('MANIFESTS', 'RECOVERY', 'LIMITATIONS'):
            if need not in named:
                sys.exit(f'{src}: no "## {need}" section for ikernel-manifest(5)')
        body = ['# NAME', '', 'ikernel-manifest - driver manifests of ikernel up', '',
                '# SYNOPSIS', '', f'`{confdir}/*.ini`, or the files and directories given to '
                '`ikernel up`', '', '# DESCRIPTION']
        body += shift(named['MANIFESTS'])
        body += ['', '# RECOVERY'] + shift(named['RECOVERY'])
        body += ['', '# LIMITATIONS'] + shift(named['LIMITATIONS'])
        body += ['', '# SEE ALSO', '', '**ikernel**(1)', '']
        md = page('ikernel-manifest', 5, version, body)
    else:
        sys.exit(f'unknown page kind {kind!r}')
    roff = subprocess.run([pandoc, '--standalone', '--from', 'markdown-smart', '--to', 'man'],
                          input=md, capture_output=True, text=True, check=True).stdout
    with open(out, 'w', encoding='utf-8') as f:
        f.write(roff)


if __name__ == '__main__':
    main()
