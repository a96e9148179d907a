// Python programs the export tests run with Debian's python3 and
// python3-prov, kept here so the tests need no file beside the binary.
#pragma once

namespace fantrace::itest {

// argv: PROV-JSON file, PROV-N file. Reads the JSON with prov
// (ProvDocument.deserialize), checks it survives prov's own JSON round
// trip, then parses our PROV-N and prov's PROV-N of the parsed JSON with
// the PROV-N grammar's tokens and compares them statement by statement
// (values normalised: prov keeps microseconds and reads xsd:long as int).
// Prints a JSON summary of what prov read.
inline constexpr const char* kProvCheck = R"PY(
import json, re, sys
from datetime import datetime, timezone
from prov.model import ProvDocument

doc = ProvDocument.deserialize(content=open(sys.argv[1]).read(), format='json')
again = ProvDocument.deserialize(content=doc.serialize(format='json'), format='json')
assert doc == again, 'PROV-JSON does not survive prov round trip'

TOKEN = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|\'[^\']*\'|<[^>]*>|%%|[(),;=\[\]]|[^\s(),;=\[\]"\'<>]+')

def unescape(s):
    return re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t', 'r': '\r', 'b': '\b', 'f': '\f'}.get(m.group(1), m.group(1)), s)

def when(text):
    t = datetime.fromisoformat(re.sub(r'(\.\d{6})\d+', r'\1', text.replace('Z', '+00:00')))
    return t.astimezone(timezone.utc).isoformat()

def value(tokens, i):
    t = tokens[i]
    if t.startswith('"'):
        text = unescape(t[3:-3] if t.startswith('"""') else t[1:-1])
        if i + 1 < len(tokens) and tokens[i + 1] == '%%':
            kind = tokens[i + 2]
            if kind in ('xsd:int', 'xsd:long'): return ('int', int(text)), i + 3
            if kind == 'xsd:dateTime': return ('time', when(text)), i + 3
            return (kind, text), i + 3
        return ('string', text), i + 1
    if t.startswith("'"): return ('qname', t[1:-1]), i + 1
    return ('int', int(t)), i + 1

def statements(text):
    tokens = TOKEN.findall(text)
    assert tokens[0] == 'document' and tokens[-1] == 'endDocument', 'not a PROV-N document'
    out, prefixes, i = [], {}, 1
    while i < len(tokens) - 1:
        if tokens[i] == 'prefix':
            prefixes[tokens[i + 1]] = tokens[i + 2][1:-1]
            i += 3
            continue
        kind = tokens[i]
        assert tokens[i + 1] == '(', 'expected ( after ' + kind
        i += 2
        args, attrs = [], []
        while tokens[i] != ')':
            t = tokens[i]
            if t == ',': i += 1; continue
            if t == ';': args = []; i += 1; continue  # an identifier before ';'
            if t == '[':
                i += 1
                while tokens[i] != ']':
                    if tokens[i] == ',': i += 1; continue
                    key = tokens[i]
                    assert tokens[i + 1] == '=', 'expected = after ' + key
                    v, i = value(tokens, i + 2)
                    attrs.append((key, v))
                i += 1
                continue
            args.append(when(t) if re.match(r'\d{4}-\d\d-\d\dT', t) else t)
            i += 1
        while args and args[-1] == '-': args.pop()
        out.append((kind, tuple(args), tuple(sorted(attrs))))
        i += 1
    return prefixes, sorted(out)

mine = statements(open(sys.argv[2]).read())
theirs = statements(doc.get_provn())
assert mine[0] == theirs[0], 'prefixes differ: %r vs %r' % (mine[0], theirs[0])
missing = [s for s in theirs[1] if s not in mine[1]]
extra = [s for s in mine[1] if s not in theirs[1]]
assert not missing and not extra, 'PROV-N differs from prov: missing %r extra %r' % (missing[:3], extra[:3])

summary = {'activities': {}, 'entities': {}, 'agents': [], 'relations': {}, 'provn_statements': len(mine[1])}
for r in doc.get_records():
    kind = str(r.get_type())
    ident = str(r.identifier) if r.identifier else None
    attrs = {str(k): str(v) for k, v in r.attributes}
    if kind == 'prov:Activity':
        summary['activities'][ident] = {'label': attrs.get('prov:label'), 'start': str(r.get_startTime()),
                                        'end': str(r.get_endTime()), 'cwd': attrs.get('fantrace:cwd'),
                                        'exit': attrs.get('fantrace:exitStatus'), 'argv': attrs.get('fantrace:argv')}
    elif kind == 'prov:Entity':
        summary['entities'][ident] = {'path': attrs.get('fantrace:path'), 'size': attrs.get('fantrace:size'),
                                      'hash': attrs.get('fantrace:hash')}
    elif kind == 'prov:Agent':
        summary['agents'].append(ident)
    else:
        summary['relations'].setdefault(kind, []).append([str(v) for k, v in r.formal_attributes if v is not None][:2])
print(json.dumps(summary))
)PY";

}  // namespace fantrace::itest
