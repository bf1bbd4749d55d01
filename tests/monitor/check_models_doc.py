#!/usr/bin/env python3
"""docs/DRIVERS.md's table "Device models of these drivers" against the registry
(src/devices/devices.c, printed by models-dump): every model in the table exists, with the
ports and option keys the table gives; every model that drivers/linux/drivers.list grants is in
the table. Usage: check_models_doc.py MODELS_DUMP DRIVERS.md drivers.list
"""
import re
import subprocess
import sys


def ranges(text):
    """'0x443, 0x043' / '0x70-0x71' -> sorted [(first, last)]."""
    out = []
    for part in text.split(','):
        part = part.strip()
        if not part:
            continue
        a, _, b = part.partition('-')
        out.append((int(a, 16), int(b or a, 16)))
    return sorted(out)


def main():
    dump, doc, lst = sys.argv[1:4]
    registry = {}
    for line in subprocess.run([dump], capture_output=True, text=True, check=True).stdout.splitlines():
        name, ports, opts, _default, _summary = line.split('\t')
        registry[name] = (ranges(ports), set(o for o in opts.split(',') if o))
    problems = []

    table, in_section = {}, False
    for n, line in enumerate(open(doc, encoding='utf-8'), 1):
        if line.startswith('## '):
            in_section = line.strip() == '## Device models of these drivers'
            continue
        if not in_section or not line.startswith('| `'):
            continue
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        model = cells[0].strip('`')
        table[model] = n
        if model not in registry:
            problems.append(f'{doc}:{n}: model {model!r} is not in the registry '
                            f'(src/devices/devices.c has: {", ".join(registry)})')
            continue
        want_ports, want_opts = registry[model]
        try:
            got_ports = ranges(cells[1])
        except ValueError:
            problems.append(f'{doc}:{n}: {model}: cannot read the ports {cells[1]!r}')
            got_ports = None
        if got_ports is not None and got_ports != want_ports:
            problems.append(f'{doc}:{n}: {model}: ports {cells[1]!r}, the model decodes '
                            + ', '.join(f'0x{a:x}-0x{b:x}' if a != b else f'0x{a:x}'
                                        for a, b in want_ports))
        got_opts = set(re.findall(r'`([A-Za-z0-9_]+)=', cells[2]))
        if got_opts != want_opts:
            problems.append(f'{doc}:{n}: {model}: options {sorted(got_opts)}, the model takes '
                            f'{sorted(want_opts)}')
    if not table:
        problems.append(f'{doc}: no table under "## Device models of these drivers"')

    for n, line in enumerate(open(lst, encoding='utf-8'), 1):
        m = re.match(r'\s*device\s*=\s*(.*)', line)
        if not m:
            continue
        for grant in m.group(1).split():
            model = re.split(r'[@,]', grant)[0]
            if model not in registry:
                problems.append(f'{lst}:{n}: device model {model!r} is not in the registry')
            elif model not in table:
                problems.append(f'{lst}:{n}: device model {model!r} is missing from the table '
                                f'in {doc}')
    for p in problems:
        print(p)
    print(f'{len(table)} models in the table, {len(registry)} in the registry: '
          + ('OK' if not problems else f'{len(problems)} problems'))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
