/**
 * A strict little XML parser for tests of generated documents (the benchmarks' SVG charts): it
 * accepts an XML declaration, comments, elements with quoted attributes, self-closing tags and
 * character data with the five predefined entities and numeric character references, and throws
 * on anything not well-formed (a mismatched or unclosed tag, an unquoted or repeated attribute, a
 * bare `<` or `&` in text, content after the root element).
 */

export interface XmlElement {
  name: string;
  attrs: Map<string, string>;
  children: XmlElement[];
  /** The element's own character data (entities decoded), children's excluded. */
  text: string;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string, at: number): string {
  if (s.includes('<')) throw new Error(`xml: '<' in character data near offset ${at}`);
  return s.replace(/&([^;]*);?/g, (m, body: string) => {
    if (!m.endsWith(';')) throw new Error(`xml: bare '&' near offset ${at}`);
    if (body in ENTITIES) return ENTITIES[body]!;
    const num = /^#(\d+)$/.exec(body) ?? /^#x([0-9a-fA-F]+)$/.exec(body);
    if (num === null) throw new Error(`xml: unknown entity &${body}; near offset ${at}`);
    return String.fromCodePoint(parseInt(num[1]!, body[1] === 'x' ? 16 : 10));
  });
}

/** Parses a document; returns its root element. @throws Error saying what is malformed and where */
export function parseXml(doc: string): XmlElement {
  let i = 0;
  const skipSpace = (): void => {
    while (i < doc.length && /\s/.test(doc[i]!)) i++;
  };
  const skipMisc = (): void => {
    for (;;) {
      skipSpace();
      if (doc.startsWith('<!--', i)) {
        const end = doc.indexOf('-->', i + 4);
        if (end < 0) throw new Error('xml: unclosed comment');
        i = end + 3;
      } else if (doc.startsWith('<?', i)) {
        const end = doc.indexOf('?>', i + 2);
        if (end < 0) throw new Error('xml: unclosed processing instruction');
        i = end + 2;
      } else return;
    }
  };
  const readName = (): string => {
    const m = NAME.exec(doc.slice(i, i + 200));
    if (m === null) throw new Error(`xml: expected a name at offset ${i}`);
    i += m[0].length;
    return m[0];
  };
  const element = (): XmlElement => {
    if (doc[i] !== '<') throw new Error(`xml: expected '<' at offset ${i}`);
    i++;
    const el: XmlElement = { name: readName(), attrs: new Map(), children: [], text: '' };
    for (;;) {
      const before = i;
      skipSpace();
      if (doc.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (doc[i] === '>') {
        i++;
        break;
      }
      if (i === before) throw new Error(`xml: expected whitespace before an attribute at offset ${i}`);
      const name = readName();
      if (doc[i] !== '=') throw new Error(`xml: attribute ${name} without '=' at offset ${i}`);
      i++;
      const q = doc[i];
      if (q !== '"' && q !== "'") throw new Error(`xml: attribute ${name} value not quoted at offset ${i}`);
      const end = doc.indexOf(q, i + 1);
      if (end < 0) throw new Error(`xml: unclosed attribute ${name}`);
      if (el.attrs.has(name)) throw new Error(`xml: attribute ${name} repeated in <${el.name}>`);
      el.attrs.set(name, decode(doc.slice(i + 1, end), i));
      i = end + 1;
    }
    for (;;) {
      const lt = doc.indexOf('<', i);
      if (lt < 0) throw new Error(`xml: <${el.name}> not closed`);
      el.text += decode(doc.slice(i, lt), i);
      i = lt;
      if (doc.startsWith('</', i)) {
        i += 2;
        const name = readName();
        if (name !== el.name) throw new Error(`xml: </${name}> closes <${el.name}> at offset ${i}`);
        skipSpace();
        if (doc[i] !== '>') throw new Error(`xml: expected '>' at offset ${i}`);
        i++;
        return el;
      }
      if (doc.startsWith('<!--', i)) {
        const end = doc.indexOf('-->', i + 4);
        if (end < 0) throw new Error('xml: unclosed comment');
        i = end + 3;
        continue;
      }
      el.children.push(element());
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== doc.length) throw new Error(`xml: content after the root element at offset ${i}`);
  return root;
}

/** Every element under `root` (itself included), depth first, that satisfies `pred`. */
export function findAll(root: XmlElement, pred: (e: XmlElement) => boolean): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    if (pred(e)) out.push(e);
    for (const ch of e.children) walk(ch);
  };
  walk(root);
  return out;
}
