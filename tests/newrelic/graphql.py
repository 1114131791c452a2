"""A small GraphQL reader for the fake NerdGraph: lexes and parses the executable documents
(operations with variable definitions, fields with arguments and aliases, inline fragments,
all value literals) the way the GraphQL specification (October 2021) describes them.
Fragment definitions and directives are refused: monitorc's documents do not use them."""
import re


class GraphQLError(Exception):
    def __init__(self, message, line=None, column=None):
        super().__init__(message)
        self.line, self.column = line, column


_TOKEN = re.compile(r'''
    (?P<ignored>[\s,\ufeff]+|\#[^\n\r]*)
  | (?P<spread>\.\.\.)
  | (?P<punct>[!$&()\:=@\[\]{|}])
  | (?P<name>[_A-Za-z][_0-9A-Za-z]*)
  | (?P<float>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+(?:[eE][+-]?[0-9]+)?|[eE][+-]?[0-9]+))
  | (?P<int>-?(?:0|[1-9][0-9]*))
  | (?P<string>"(?:[^"\\\n\r]|\\(?:["\\/bfnrt]|u[0-9A-Fa-f]{4}))*")
''', re.VERBOSE)

_ESCAPES = {'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}


def _unescape(s):
    out, i = [], 1
    while i < len(s) - 1:
        c = s[i]
        if c == '\\':
            e = s[i + 1]
            if e == 'u':
                out.append(chr(int(s[i + 2:i + 6], 16)))
                i += 6
                continue
            out.append(_ESCAPES[e])
            i += 2
            continue
        out.append(c)
        i += 1
    return ''.join(out)


def lex(text):
    tokens, pos, line, col0 = [], 0, 1, 0
    while pos < len(text):
        if text.startswith('"""', pos):
            raise GraphQLError("block strings are not supported by this fake", line, pos - col0 + 1)
        m = _TOKEN.match(text, pos)
        if not m:
            raise GraphQLError("Syntax Error: Unexpected character %r." % text[pos], line, pos - col0 + 1)
        kind = m.lastgroup
        value = m.group(kind)
        if kind != 'ignored':
            if kind in ('int', 'float', 'name') and m.end() < len(text) and re.match(r'[_A-Za-z0-9.]', text[m.end()]):
                raise GraphQLError("Syntax Error: Invalid number or name near %r." % value, line, pos - col0 + 1)
            tokens.append((kind, value, line, pos - col0 + 1))
        for nl in re.finditer(r'\r\n|\n|\r', value):
            line += 1
            col0 = pos + nl.end()
        pos = m.end()
    tokens.append(('eof', '', line, pos - col0 + 1))
    return tokens


class Parser:
    def __init__(self, text):
        self.t = lex(text)
        self.i = 0

    def peek(self, kind=None, value=None):
        k, v, _, _ = self.t[self.i]
        return (kind is None or k == kind) and (value is None or v == value)

    def take(self, kind=None, value=None):
        k, v, line, col = self.t[self.i]
        if not self.peek(kind, value):
            raise GraphQLError("Syntax Error: Expected %s, found %s." % (value or kind, v or k), line, col)
        self.i += 1
        return v

    def where(self):
        return self.t[self.i][2], self.t[self.i][3]

    def document(self):
        ops = []
        while not self.peek('eof'):
            ops.append(self.operation())
        if not ops:
            raise GraphQLError("Syntax Error: Unexpected <EOF>.")
        return ops

    def operation(self):
        line, col = self.where()
        if self.peek('punct', '{'):
            return {'op': 'query', 'name': None, 'vars': {}, 'sel': self.selection_set(), 'line': line}
        op = self.take('name')
        if op == 'fragment':
            raise GraphQLError("fragment definitions are not supported by this fake", line, col)
        if op not in ('query', 'mutation', 'subscription'):
            raise GraphQLError('Syntax Error: Unexpected Name "%s".' % op, line, col)
        name = self.take('name') if self.peek('name') else None
        variables = {}
        if self.peek('punct', '('):
            self.take()
            while not self.peek('punct', ')'):
                self.take('punct', '$')
                vline, vcol = self.where()
                vname = self.take('name')
                self.take('punct', ':')
                vtype = self.type_ref()
                default = None
                if self.peek('punct', '='):
                    self.take()
                    default = self.value(const=True)
                if vname in variables:
                    raise GraphQLError('There can be only one variable named "$%s".' % vname, vline, vcol)
                variables[vname] = {'type': vtype, 'default': default, 'line': vline, 'col': vcol}
            self.take('punct', ')')
        if self.peek('punct', '@'):
            raise GraphQLError("directives are not supported by this fake", *self.where())
        return {'op': op, 'name': name, 'vars': variables, 'sel': self.selection_set(), 'line': line}

    def type_ref(self):
        if self.peek('punct', '['):
            self.take()
            inner = self.type_ref()
            self.take('punct', ']')
            t = '[' + inner + ']'
        else:
            t = self.take('name')
        if self.peek('punct', '!'):
            self.take()
            t += '!'
        return t

    def selection_set(self):
        self.take('punct', '{')
        sel = []
        while not self.peek('punct', '}'):
            line, col = self.where()
            if self.peek('spread'):
                self.take()
                if not self.peek('name', 'on'):
                    raise GraphQLError("fragment spreads are not supported by this fake", line, col)
                self.take()
                on = self.take('name')
                sel.append({'fragment': on, 'sel': self.selection_set(), 'line': line, 'col': col})
                continue
            name = self.take('name')
            alias = name
            if self.peek('punct', ':'):
                self.take()
                name = self.take('name')
            args = {}
            if self.peek('punct', '('):
                self.take()
                while not self.peek('punct', ')'):
                    aline, acol = self.where()
                    an = self.take('name')
                    self.take('punct', ':')
                    if an in args:
                        raise GraphQLError('There can be only one argument named "%s".' % an, aline, acol)
                    args[an] = self.value(const=False)
                self.take('punct', ')')
            if self.peek('punct', '@'):
                raise GraphQLError("directives are not supported by this fake", *self.where())
            sub = self.selection_set() if self.peek('punct', '{') else None
            sel.append({'name': name, 'alias': alias, 'args': args, 'sel': sub, 'line': line, 'col': col})
        self.take('punct', '}')
        if not sel:
            raise GraphQLError("Syntax Error: Expected Name, found \"}\".", *self.where())
        return sel

    def value(self, const):
        k, v, line, col = self.t[self.i]
        if k == 'punct' and v == '$':
            if const:
                raise GraphQLError('Unexpected variable "$" in constant value.', line, col)
            self.take()
            return ('var', self.take('name'), line, col)
        if k == 'int':
            self.take()
            return ('int', int(v))
        if k == 'float':
            self.take()
            return ('float', float(v))
        if k == 'string':
            self.take()
            return ('string', _unescape(v))
        if k == 'name':
            self.take()
            if v in ('true', 'false'):
                return ('bool', v == 'true')
            if v == 'null':
                return ('null', None)
            return ('enum', v)
        if k == 'punct' and v == '[':
            self.take()
            items = []
            while not self.peek('punct', ']'):
                items.append(self.value(const))
            self.take()
            return ('list', items)
        if k == 'punct' and v == '{':
            self.take()
            fields = {}
            while not self.peek('punct', '}'):
                fline, fcol = self.where()
                fname = self.take('name')
                self.take('punct', ':')
                if fname in fields:
                    raise GraphQLError('There can be only one input field named "%s".' % fname, fline, fcol)
                fields[fname] = self.value(const)
            self.take()
            return ('object', fields)
        raise GraphQLError("Syntax Error: Unexpected %s." % (v or k), line, col)


def parse(text):
    return Parser(text).document()
