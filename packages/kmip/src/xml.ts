/**
 * XML TTLV (KMIP Additional Message Encodings v1.0 §6): one element per item, named after the
 * tag (`<ActivationDate type="DateTime" value="..."/>`) or the general form
 * `<TTLV tag="0x54FFFF" type="..." value="..."/>`; `type` defaults to Structure; structures
 * nest elements, other items carry a `value` attribute.
 *
 * The reader is hand-written for exactly this subset and is strict: no DOCTYPE, no entity
 * declarations, no CDATA, no processing instruction but the XML declaration, only the five
 * predefined entities and character references, no text content, known attributes only
 * (`tag`, `name`, `type`, `value`, `xmlns`). It never expands anything, so XXE and
 * entity-expansion attacks have nothing to work with; size, depth and item limits apply.
 */
import { KmipCodecError } from './errors.ts';
import { _Budget, _limits, type DecodeLimits } from './_limits.ts';
import { bigintToTwosComplement, bytesToHex, hexToBytes, twosComplementToBigint } from './_hex.ts';
import {
  _SiblingContext,
  _fail,
  _formatEnumeration,
  _formatIsoDateTime,
  _formatMaskText,
  _hex64,
  _parseDateTime,
  _parseDateTimeExtended,
  _parseEnumeration,
  _parseInteger,
  _parseLong,
  _parseUint32,
  _tagOf,
} from './_text.ts';
import { isValidTag, tagHex, tagName } from './tags.ts';
import {
  isTtlvItemLike,
  isTtlvType,
  isWellFormedText,
  type TtlvItem,
  type TtlvType,
} from './ttlv.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function toText(input: string | Uint8Array, maxBytes: number): string {
  if (typeof input === 'string') {
    if (input.length > maxBytes)
      throw new KmipCodecError('ERR_KMIP_TOO_LARGE', `input longer than ${maxBytes}`);
    return input;
  }
  if (!(input instanceof Uint8Array)) throw new TypeError('input must be a string or a Uint8Array');
  if (input.length > maxBytes)
    throw new KmipCodecError('ERR_KMIP_TOO_LARGE', `input larger than ${maxBytes} bytes`);
  try {
    return utf8.decode(input);
  } catch {
    throw new KmipCodecError('ERR_KMIP_BAD_UTF8', 'input is not valid UTF-8');
  }
}

/**
 * Decodes an XML document whose root element is one TTLV item.
 * @throws KmipCodecError on malformed XML, forbidden markup, unknown names, bad values or limits.
 */
export function decodeXml(input: string | Uint8Array, limits?: DecodeLimits): TtlvItem {
  const l = _limits(limits);
  const p = new XmlReader(toText(input, l.maxBytes), new _Budget(l));
  p.prolog();
  const item = p.element(1, new _SiblingContext());
  p.epilog();
  return item;
}

/**
 * Decodes a document whose root is a container element without attributes (e.g. `<KMIP>` in
 * the OASIS test vectors) holding a sequence of TTLV items.
 */
export function decodeXmlSequence(input: string | Uint8Array, limits?: DecodeLimits): TtlvItem[] {
  const l = _limits(limits);
  const p = new XmlReader(toText(input, l.maxBytes), new _Budget(l));
  p.prolog();
  const items = p.container();
  p.epilog();
  return items;
}

const NAME = /[A-Za-z_][A-Za-z0-9_.-]*/y;
const SPACE = /[ \t\r\n]*/y;
const ALLOWED_ATTRIBUTES = new Set(['tag', 'name', 'type', 'value', 'xmlns']);

class XmlReader {
  readonly s: string;
  readonly budget: _Budget;
  pos = 0;

  constructor(s: string, budget: _Budget) {
    // A byte-order mark is allowed before the document.
    this.s = s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
    this.budget = budget;
  }

  fail(
    message: string,
    code: ConstructorParameters<typeof KmipCodecError>[0] = 'ERR_KMIP_SYNTAX',
  ): never {
    throw new KmipCodecError(code, message, this.pos);
  }

  private space(): void {
    SPACE.lastIndex = this.pos;
    SPACE.exec(this.s);
    this.pos = SPACE.lastIndex;
  }

  private startsWith(text: string): boolean {
    return this.s.startsWith(text, this.pos);
  }

  /** Skips whitespace and comments; rejects any other markup that is not an element. */
  private misc(): void {
    for (;;) {
      this.space();
      if (this.startsWith('<!--')) {
        const end = this.s.indexOf('-->', this.pos + 4);
        if (end < 0) this.fail('unterminated comment', 'ERR_KMIP_TRUNCATED');
        // XML forbids "--" inside a comment.
        if (this.s.slice(this.pos + 4, end).includes('--')) this.fail('"--" inside a comment');
        this.pos = end + 3;
      } else if (this.startsWith('<!') || this.startsWith('<?')) {
        this.fail(
          'DOCTYPE, entity declarations, CDATA and processing instructions are not accepted',
          'ERR_KMIP_FORBIDDEN_MARKUP',
        );
      } else return;
    }
  }

  prolog(): void {
    if (this.startsWith('<?xml')) {
      const end = this.s.indexOf('?>', this.pos);
      if (end < 0) this.fail('unterminated XML declaration', 'ERR_KMIP_TRUNCATED');
      const decl = this.s.slice(this.pos + 5, end);
      if (
        !/^\s+version\s*=\s*["']1\.[0-9]["'](\s+encoding\s*=\s*["'][Uu][Tt][Ff]-?8["'])?(\s+standalone\s*=\s*["'](yes|no)["'])?\s*$/.test(
          decl,
        )
      ) {
        this.fail('unsupported XML declaration');
      }
      this.pos = end + 2;
    }
    this.misc();
  }

  epilog(): void {
    this.misc();
    if (this.pos !== this.s.length) this.fail('content after the root element');
  }

  private name(): string {
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.s);
    if (m === null)
      this.fail(
        this.pos >= this.s.length ? 'truncated document' : 'expected a name',
        this.pos >= this.s.length ? 'ERR_KMIP_TRUNCATED' : 'ERR_KMIP_SYNTAX',
      );
    this.pos = NAME.lastIndex;
    return m[0];
  }

  /** Reads `<name attrs` up to `>` or `/>`. */
  private startTag(): { name: string; attrs: Map<string, string>; empty: boolean; at: number } {
    const at = this.pos;
    if (this.s[this.pos] !== '<')
      this.fail(
        this.pos >= this.s.length ? 'truncated document' : 'expected an element',
        this.pos >= this.s.length ? 'ERR_KMIP_TRUNCATED' : 'ERR_KMIP_SYNTAX',
      );
    this.pos++;
    const name = this.name();
    const attrs = new Map<string, string>();
    for (;;) {
      const before = this.pos;
      this.space();
      if (this.startsWith('/>')) {
        this.pos += 2;
        return { name, attrs, empty: true, at };
      }
      if (this.startsWith('>')) {
        this.pos += 1;
        return { name, attrs, empty: false, at };
      }
      if (this.pos >= this.s.length) this.fail('truncated start tag', 'ERR_KMIP_TRUNCATED');
      if (this.pos === before) this.fail('expected whitespace between attributes');
      const attr = this.name();
      if (!ALLOWED_ATTRIBUTES.has(attr)) this.fail(`unexpected attribute "${attr}"`);
      if (attrs.has(attr)) this.fail(`duplicate attribute "${attr}"`);
      this.space();
      if (this.s[this.pos] !== '=') this.fail('expected "="');
      this.pos++;
      this.space();
      const quote = this.s[this.pos];
      if (quote !== '"' && quote !== "'") this.fail('expected a quoted attribute value');
      const end = this.s.indexOf(quote, this.pos + 1);
      if (end < 0) this.fail('unterminated attribute value', 'ERR_KMIP_TRUNCATED');
      attrs.set(attr, this.attributeValue(this.s.slice(this.pos + 1, end)));
      this.pos = end + 1;
    }
  }

  /** Decodes references and normalizes whitespace as XML does for attribute values. */
  private attributeValue(raw: string): string {
    if (raw.includes('<')) this.fail('"<" in an attribute value');
    const normalized = raw.replace(/\r\n?|[\n\t]/g, ' ');
    if (!normalized.includes('&')) return checkChars(normalized, this);
    return normalized.replace(/&([^;]{0,10});|&/g, (all, ref: string | undefined) => {
      if (ref === undefined) this.fail('bare "&" in an attribute value');
      switch (ref) {
        case 'lt':
          return '<';
        case 'gt':
          return '>';
        case 'amp':
          return '&';
        case 'quot':
          return '"';
        case 'apos':
          return "'";
      }
      const m = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(ref);
      if (m === null)
        this.fail(`entity "${all.slice(0, 16)}" is not accepted`, 'ERR_KMIP_FORBIDDEN_MARKUP');
      const code = m[1] !== undefined ? Number.parseInt(m[1], 16) : Number(m[2]);
      if (!isXmlChar(code)) this.fail('character reference to a character XML does not allow');
      return String.fromCodePoint(code);
    });
  }

  private endTag(name: string): void {
    if (!this.startsWith('</'))
      this.fail(
        'expected an end tag',
        this.pos >= this.s.length ? 'ERR_KMIP_TRUNCATED' : 'ERR_KMIP_SYNTAX',
      );
    this.pos += 2;
    const closing = this.name();
    if (closing !== name) this.fail(`end tag </${closing}> does not match <${name}>`);
    this.space();
    if (this.s[this.pos] !== '>') this.fail('expected ">"');
    this.pos++;
  }

  container(): TtlvItem[] {
    const { name, attrs, empty } = this.startTag();
    if (attrs.size > 0 && !(attrs.size === 1 && attrs.has('xmlns')))
      this.fail('the container element takes no attributes');
    const items: TtlvItem[] = [];
    if (empty) return items;
    const ctx = new _SiblingContext();
    for (;;) {
      this.misc();
      if (this.startsWith('</')) break;
      const item = this.element(1, ctx);
      ctx.see(item);
      items.push(item);
    }
    this.endTag(name);
    return items;
  }

  /** Reads one element (at structure depth `depth`) as a TTLV item. */
  element(depth: number, siblings: _SiblingContext): TtlvItem {
    const { name, attrs, empty, at } = this.startTag();
    this.budget.item(at);
    let tag: number;
    const tagAttr = attrs.get('tag');
    if (name === 'TTLV') {
      if (tagAttr === undefined) this.fail('<TTLV> needs a tag attribute');
      tag = _tagOf(tagAttr, at);
    } else {
      if (tagAttr !== undefined) this.fail('only <TTLV> takes a tag attribute');
      // `x540001` names an extension tag by its hex value (specification example).
      tag = /^x[0-9a-fA-F]{6}$/.test(name) ? _tagOf(`0x${name.slice(1)}`, at) : _tagOf(name, at);
    }
    const typeAttr = attrs.get('type') ?? 'Structure';
    if (!isTtlvType(typeAttr))
      this.fail(`unknown item type "${typeAttr.slice(0, 32)}"`, 'ERR_KMIP_BAD_TYPE');
    const type: TtlvType = typeAttr;
    const valueAttr = attrs.get('value');
    if (type === 'Structure') {
      if (valueAttr !== undefined) this.fail('a Structure has no value attribute');
      this.budget.depth(depth, at);
      const items: TtlvItem[] = [];
      if (!empty) {
        const ctx = new _SiblingContext();
        for (;;) {
          this.misc();
          if (this.startsWith('</')) break;
          const item = this.element(depth + 1, ctx);
          ctx.see(item);
          items.push(item);
        }
        this.endTag(name);
      }
      return { tag, type, value: items };
    }
    if (valueAttr === undefined) this.fail(`a ${type} needs a value attribute`);
    if (!empty) {
      this.misc();
      this.endTag(name);
    }
    return xmlValue(tag, type, valueAttr, siblings, at);
  }
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

// Characters XML 1.0 cannot carry at all (C0 controls but tab/LF/CR, U+FFFE/FFFF, lone surrogates).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NON_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function checkChars(text: string, reader: XmlReader): string {
  if (NON_XML.test(text) || !isWellFormedText(text)) reader.fail('character XML does not allow');
  return text;
}

function xmlValue(
  tag: number,
  type: TtlvType,
  text: string,
  siblings: _SiblingContext,
  at: number,
): TtlvItem {
  const vtag = siblings.valueTag(tag);
  switch (type) {
    case 'Integer':
      return { tag, type, value: _parseInteger(text, vtag, / +/, at) };
    case 'LongInteger':
      return { tag, type, value: _parseLong(text, at) };
    case 'BigInteger': {
      const hex = text.startsWith('0x') ? text.slice(2) : text;
      const bytes = hexToBytes(hex);
      if (bytes === undefined || bytes.length === 0)
        return _fail('BigInteger must be non-empty hexBinary', at);
      return { tag, type, value: twosComplementToBigint(bytes) };
    }
    case 'Enumeration':
      return { tag, type, value: _parseEnumeration(text, vtag, at) };
    case 'Boolean':
      if (text === 'true' || text === '1') return { tag, type, value: true };
      if (text === 'false' || text === '0') return { tag, type, value: false };
      if (/^0x0{15}[01]$/.test(text)) return { tag, type, value: text.endsWith('1') };
      return _fail('not a Boolean', at);
    case 'TextString':
      return { tag, type, value: text };
    case 'ByteString': {
      const bytes = hexToBytes(text);
      if (bytes === undefined) return _fail('ByteString must be hexBinary', at);
      return { tag, type, value: bytes };
    }
    case 'DateTime':
      return { tag, type, value: _parseDateTime(text, at) };
    case 'Interval': {
      const v = _parseUint32(text, at);
      if (v === undefined) return _fail('not an Interval', at);
      return { tag, type, value: v };
    }
    case 'DateTimeExtended':
      return { tag, type, value: _parseDateTimeExtended(text, at) };
    case 'Structure':
      return _fail('unreachable', at);
  }
}

/** Options of `encodeXml`. */
export interface XmlEncodeOptions {
  /** Indentation per level; '' writes everything on one line. Default two spaces. */
  indent?: string;
  /** Deepest nesting accepted (guards against cyclic trees). Default 32. */
  maxDepth?: number;
}

function escapeAttribute(value: string): string {
  if (NON_XML.test(value) || !isWellFormedText(value)) {
    throw new KmipCodecError(
      'ERR_KMIP_BAD_VALUE',
      'TextString holds a character XML 1.0 cannot carry',
    );
  }
  return value.replace(/[&<>"\t\n\r]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        // Whitespace other than space must be a reference to survive attribute normalization.
        return `&#${c.charCodeAt(0)};`;
    }
  });
}

/**
 * Encodes a tree as XML TTLV (no XML declaration). Names are the OASIS normalized tag and
 * enumeration names; unnamed tags use `<TTLV tag="0x..">`; masks are space-separated names.
 * @throws KmipCodecError for an invalid node or a TextString XML cannot carry.
 */
export function encodeXml(item: TtlvItem, options?: XmlEncodeOptions): string {
  const indent = options?.indent ?? '  ';
  const maxDepth = _limits({ maxDepth: options?.maxDepth ?? 32 }).maxDepth;
  const out: string[] = [];
  writeElement(item, 0, indent, maxDepth, new _SiblingContext(), out);
  return out.join(indent === '' ? '' : '\n');
}

function writeElement(
  item: TtlvItem,
  level: number,
  indent: string,
  maxDepth: number,
  siblings: _SiblingContext,
  out: string[],
): void {
  if (!isTtlvItemLike(item)) throw new KmipCodecError('ERR_KMIP_BAD_VALUE', 'not a TTLV item');
  if (!isValidTag(item.tag)) throw new KmipCodecError('ERR_KMIP_BAD_TAG', 'not a KMIP tag');
  const pad = indent.repeat(level);
  const name = tagName(item.tag);
  const open = name === undefined ? `TTLV tag="${tagHex(item.tag)}"` : name;
  const close = name ?? 'TTLV';
  if (item.type === 'Structure') {
    if (level + 1 > maxDepth)
      throw new KmipCodecError('ERR_KMIP_TOO_DEEP', `nesting deeper than ${maxDepth}`);
    const children: unknown = item.value;
    if (!Array.isArray(children))
      throw new KmipCodecError('ERR_KMIP_BAD_VALUE', 'Structure value must be an array');
    if (item.value.length === 0) {
      out.push(`${pad}<${open}/>`);
      return;
    }
    out.push(`${pad}<${open}>`);
    const ctx = new _SiblingContext();
    for (const c of item.value) {
      writeElement(c, level + 1, indent, maxDepth, ctx, out);
      ctx.see(c);
    }
    out.push(`${pad}</${close}>`);
    return;
  }
  out.push(
    `${pad}<${open} type="${item.type}" value="${escapeAttribute(xmlText(item, siblings))}"/>`,
  );
}

function xmlText(item: TtlvItem, siblings: _SiblingContext): string {
  const vtag = siblings.valueTag(item.tag);
  switch (item.type) {
    case 'Integer':
      checkNumber(item.value, -0x80000000, 0x7fffffff, 'Integer');
      return _formatMaskText(item.value, vtag, ' ') ?? String(item.value);
    case 'LongInteger':
      checkBigint(item.value, 'LongInteger');
      return item.value.toString();
    case 'BigInteger':
      if (typeof item.value !== 'bigint')
        throw new KmipCodecError('ERR_KMIP_BAD_VALUE', 'BigInteger must be a bigint');
      return bytesToHex(bigintToTwosComplement(item.value), false);
    case 'Enumeration':
      checkNumber(item.value, 0, 0xffffffff, 'Enumeration');
      return _formatEnumeration(item.value, vtag, 'oasis');
    case 'Boolean':
      if (typeof item.value !== 'boolean')
        throw new KmipCodecError('ERR_KMIP_BAD_VALUE', 'Boolean must be a boolean');
      return item.value ? 'true' : 'false';
    case 'TextString':
      if (typeof item.value !== 'string')
        throw new KmipCodecError('ERR_KMIP_BAD_VALUE', 'TextString must be a string');
      return item.value;
    case 'ByteString':
      if (!(item.value instanceof Uint8Array))
        throw new KmipCodecError('ERR_KMIP_BAD_VALUE', 'ByteString must be a Uint8Array');
      return bytesToHex(item.value, false);
    case 'DateTime':
      checkBigint(item.value, 'DateTime');
      return _formatIsoDateTime(item.value, '+00:00') ?? _hex64(item.value);
    case 'Interval':
      checkNumber(item.value, 0, 0xffffffff, 'Interval');
      return String(item.value);
    case 'DateTimeExtended':
      checkBigint(item.value, 'DateTimeExtended');
      return _hex64(item.value);
    default:
      throw new KmipCodecError('ERR_KMIP_BAD_TYPE', 'unknown item type');
  }
}

function checkNumber(v: unknown, min: number, max: number, type: string): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new KmipCodecError('ERR_KMIP_BAD_VALUE', `${type} out of range`);
  }
}

function checkBigint(v: unknown, type: string): void {
  if (typeof v !== 'bigint' || v < -(2n ** 63n) || v >= 2n ** 63n) {
    throw new KmipCodecError('ERR_KMIP_BAD_VALUE', `${type} must be a signed 64-bit bigint`);
  }
}
