#!/usr/bin/env python3
"""A manifest for every shipped Linux driver, and sets of them that can run together.

Without images or KVM: every driver of drivers/linux/drivers.list has a manifest under
manifests/linux/ (its [driver] name the list's), granting the models and ports the list's
`device` names and declaring the list's `nodes`. The manifests directly in manifests/linux/
(what `ikernel up manifests/linux` loads) declare no node twice and grant no port twice (the
ports a model decodes come from the registry: models-dump); each manifest of a subdirectory
(manifests/linux/watchdogs/: drivers that cannot run together) says in its comments why, and
can run with the top-level set once the manifests that share its nodes are left out.
Usage: check_manifests.py MODELS_DUMP SOURCE_ROOT
"""
import configparser
import glob
import os
import re
import subprocess
import sys


def registry(dump):
    out = {}
    for line in subprocess.run([dump], capture_output=True, text=True, check=True).stdout.splitlines():
        name, ports, _opts, default, _summary = line.split('\t')
        base = int(default, 16)
        rs = []
        for part in ports.split(','):
            a, _, b = part.strip().partition('-')
            rs.append((int(a, 16) - base, int(b or a, 16) - base))
        out[name] = (base, rs)
    return out


def read_list(path):
    drivers, cur = {}, None
    for line in open(path, encoding='utf-8'):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        m = re.match(r'\[(.*)\]$', line)
        if m:
            cur = drivers.setdefault(m.group(1).strip(), {})
            continue
        k, _, v = line.partition('=')
        cur[k.strip()] = v.strip()
    return drivers


def read_manifest(path):
    cp = configparser.ConfigParser(inline_comment_prefixes=(';', '#'), comment_prefixes=(';', '#'),
                                   strict=False, interpolation=None)
    cp.read(path, encoding='utf-8')
    m = {'path': path, 'name': cp.get('driver', 'name', fallback=''), 'devices': [], 'nodes': []}
    for sec in cp.sections():
        if sec.startswith('device '):
            # a PCI function's ports are the monitor's to assign: 'pci' stands for them
            pci = cp.get(sec, 'bus', fallback='isa') == 'pci'
            m['devices'].append((cp.get(sec, 'model'), 'pci' if pci else cp.get(sec, 'port', fallback=None)))
        elif sec.startswith('node '):
            m['nodes'].append(sec[5:].strip())
    m['comment'] = open(path, encoding='utf-8').read()
    return m


def ports_of(m, reg):
    out = set()
    for model, port in m['devices']:
        if port == 'pci':
            continue  # assigned by the monitor per driver: no two drivers share them
        base, rs = reg[model]
        p = int(port, 0) if port else base
        for a, b in rs:
            out.update(range(p + a, p + b + 1))
    return out


def main():
    reg, src = registry(sys.argv[1]), sys.argv[2]
    lst = read_list(os.path.join(src, 'drivers/linux/drivers.list'))
    paths = sorted(glob.glob(os.path.join(src, 'manifests/linux/**/*.ini'), recursive=True))
    mans = {}
    problems = []
    for p in paths:
        m = read_manifest(p)
        if m['name'] in mans:
            problems.append(f'{p}: driver {m["name"]} also in {mans[m["name"]]["path"]}')
        mans[m['name']] = m
        for model, _ in m['devices']:
            if model not in reg:
                problems.append(f'{p}: unknown device model {model!r}')
    if problems:
        print('\n'.join(problems))
        return 1

    for name, d in lst.items():
        m = mans.get(name)
        if not m:
            problems.append(f'drivers.list driver {name!r} has no manifest in manifests/linux/ '
                            f'(docs/DRIVERS.md, bringing in a new driver)')
            continue
        def at(text):
            return text if text == 'pci' else int(text, 0)
        want = sorted((g.split('@')[0], at(re.split(r'[,]', g.split('@')[1])[0]))
                      for g in d.get('device', '').split())
        got = sorted((model, at(port) if port else reg[model][0]) for model, port in m['devices'])
        if want != got:
            problems.append(f'{m["path"]}: grants {got}, drivers.list says {want}')
        if sorted(d.get('nodes', '').split()) != sorted(m['nodes']):
            problems.append(f'{m["path"]}: nodes {m["nodes"]}, drivers.list says {d.get("nodes")}')
    for name, m in mans.items():
        if name not in lst:
            problems.append(f'{m["path"]}: driver {name!r} is not in drivers.list')

    top = [m for m in mans.values() if os.path.dirname(m['path']) == os.path.join(src, 'manifests/linux')]
    sub = [m for m in mans.values() if m not in top]

    def clashes(group):
        out = []
        for i, a in enumerate(group):
            for b in group[:i]:
                nodes = set(a['nodes']) & set(b['nodes'])
                ports = ports_of(a, reg) & ports_of(b, reg)
                if nodes:
                    out.append(f'{a["path"]} and {b["path"]} both declare node(s) {sorted(nodes)}')
                if ports:
                    out.append(f'{a["path"]} and {b["path"]} both grant port(s) '
                               + ', '.join(hex(x) for x in sorted(ports)))
        return out

    problems += clashes(top)
    for m in sub:
        with_top = [t for t in top if not set(t['nodes']) & set(m['nodes'])] + [m]
        problems += clashes(with_top)
        if 'instead of' not in m['comment'] and 'cannot' not in m['comment']:
            problems.append(f'{m["path"]}: a manifest outside the top-level set must say in its '
                            'comments which drivers it cannot run with')
    for p in problems:
        print(p)
    print(f'{len(mans)} Linux manifests for {len(lst)} drivers in drivers.list '
          f'({len(top)} run together by `ikernel up manifests/linux`): '
          + ('OK' if not problems else f'{len(problems)} problems'))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
