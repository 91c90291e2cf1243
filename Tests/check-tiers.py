#!/usr/bin/env python3
"""Checks that module imports match Package.swift: each target declares exactly the project modules (and
package products) its Swift files import, and imports only modules of lower tiers, as listed in the tier lines
of Package.swift's header comment (`//   T<n>  A, B, C   description`). Test targets (under Tests/, the fuzz
targets of Tests/Fuzz among them) are not tiered but must declare exactly what they import too. Exit 1 with one line per problem; 0 when clean."""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMPORT = re.compile(r'^\s*(?:@testable\s+|@_implementationOnly\s+|@preconcurrency\s+)?import\s+(?:(?:struct|class|enum|func|protocol|typealias|var|let)\s+)?([A-Za-z_][A-Za-z0-9_]*)', re.M)
TIER = re.compile(r'^//\s+T(\d+)\s+(.*)$')


def tiers(package_text):
    """Module name -> tier number, from the header comment."""
    out = {}
    for line in package_text.splitlines():
        if not line.startswith('//'):
            break
        m = TIER.match(line)
        if not m:
            continue
        names = re.split(r'\s{2,}', m.group(2).strip())[0]
        for name in names.split(','):
            name = name.strip()
            if name in out:
                raise SystemExit(f'check-tiers: {name} listed twice in the tier comment')
            out[name] = int(m.group(1))
    return out


def dump_package():
    """The manifest with the fuzz targets declared (REEXPOSE_FUZZ=1), so they are checked like the tests."""
    env = dict(os.environ, REEXPOSE_FUZZ='1')
    text = subprocess.run(['swift', 'package', 'dump-package'], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True).stdout
    return json.loads(text)


def declared(target):
    """(project target deps, product deps) declared by a target."""
    targets, products = set(), set()
    for dep in target.get('dependencies', []):
        if 'byName' in dep:
            targets.add(dep['byName'][0])
        elif 'target' in dep:
            targets.add(dep['target'][0])
        elif 'product' in dep:
            products.add(dep['product'][0])
    return targets, products


def imports(path):
    found = {}
    for base, _, files in os.walk(path):
        for f in files:
            if f.endswith('.swift'):
                p = os.path.join(base, f)
                with open(p, encoding='utf-8') as fh:
                    for m in IMPORT.finditer(fh.read()):
                        found.setdefault(m.group(1), os.path.relpath(p, ROOT))
    return found


def main():
    with open(os.path.join(ROOT, 'Package.swift'), encoding='utf-8') as fh:
        tier = tiers(fh.read())
    package = dump_package()
    targets = {t['name']: t for t in package['targets']}
    problems = []
    for name, t in targets.items():
        is_test = t['type'] == 'test' or (t.get('path') or '').startswith('Tests')
        if not is_test and name not in tier:
            problems.append(f'{name}: not listed in the tier comment of Package.swift')
    for name in tier:
        if name not in targets:
            problems.append(f'{name}: listed in the tier comment but no such target')
    for name, t in sorted(targets.items()):
        path = os.path.join(ROOT, t.get('path') or (('Tests/' if t['type'] == 'test' else 'Sources/') + name))
        is_test = t['type'] == 'test' or (t.get('path') or '').startswith('Tests')
        found = imports(path)
        dep_targets, dep_products = declared(t)
        used_targets = {m for m in found if m in targets}
        for m in sorted(used_targets - dep_targets):
            problems.append(f'{found[m]}: imports {m}, which target {name} does not declare')
        for m in sorted(dep_targets - used_targets):
            problems.append(f'{name}: declares {m} but no file imports it')
        for m in sorted(dep_products - set(found)):
            problems.append(f'{name}: declares product {m} but no file imports it')
        if is_test:
            continue
        for m in sorted(used_targets):
            if m in tier and name in tier and tier[m] >= tier[name]:
                problems.append(f'{found[m]}: {name} (T{tier[name]}) imports {m} (T{tier[m]}), not a lower tier')
    for p in problems:
        print('check-tiers: ' + p)
    print(f'check-tiers: {len(targets)} targets, {len(problems)} problems')
    return 1 if problems else 0


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == '--imports':
        pkg = dump_package()
        for t in pkg['targets']:
            path = os.path.join(ROOT, t.get('path') or (('Tests/' if t['type'] == 'test' else 'Sources/') + t['name']))
            names = {t2['name'] for t2 in pkg['targets']}
            print(t['name'], sorted(m for m in imports(path) if m in names or m in ('Yams', 'ArgumentParser')))
        sys.exit(0)
    sys.exit(main())
