/**
 * Just enough XML for EC2 Query API responses: elements, text and entities (no attributes are
 * read, no DTDs, no CDATA in these responses). `toApiShape` turns a response element into the
 * API's JSON shape: PascalCase keys, `<item>` lists as arrays.
 */

export interface XmlElement {
    readonly name: string;
    readonly children: XmlElement[];
    text: string;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(text: string): string {
    return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, body: string) => {
        if (body.startsWith("#x")) {
            return String.fromCodePoint(parseInt(body.slice(2), 16));
        }
        if (body.startsWith("#")) {
            return String.fromCodePoint(parseInt(body.slice(1), 10));
        }
        return ENTITIES[body] ?? whole;
    });
}

/** Parses an XML document into its root element. Throws on malformed input. */
export function parseXml(xml: string): XmlElement {
    const root: XmlElement = { name: "#document", children: [], text: "" };
    const stack: XmlElement[] = [root];
    const tag = /<(\/?)([A-Za-z_][\w:.-]*)([^>]*?)(\/?)>|<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g;
    let last = 0;
    for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
        const top = stack[stack.length - 1];
        top.text += decode(xml.slice(last, m.index));
        last = tag.lastIndex;
        if (m[2] === undefined) {
            continue;
        }
        const [, closing, name, , selfClosing] = m;
        if (closing) {
            if (top.name !== name) {
                throw new Error(`malformed XML: </${name}> closes <${top.name}>`);
            }
            stack.pop();
        } else {
            const element: XmlElement = { name, children: [], text: "" };
            top.children.push(element);
            if (!selfClosing) {
                stack.push(element);
            }
        }
    }
    if (stack.length !== 1 || root.children.length !== 1) {
        throw new Error("malformed XML: unclosed elements or no root");
    }
    return root.children[0];
}

/** The first descendant element with this name (depth first). */
export function find(element: XmlElement, name: string): XmlElement | undefined {
    for (const child of element.children) {
        if (child.name === name) {
            return child;
        }
        const deeper = find(child, name);
        if (deeper) {
            return deeper;
        }
    }
    return undefined;
}

const pascal = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/** An element as the API's JSON: leaves are strings, `<item>` lists arrays, the rest objects with PascalCase keys. */
export function toApiShape(element: XmlElement): unknown {
    if (element.children.length === 0) {
        return element.text.trim();
    }
    // EC2 lists are <item> elements, a few (accelerators) <member> elements.
    if (element.children.every((c) => c.name === "item") || element.children.every((c) => c.name === "member")) {
        return element.children.map(toApiShape);
    }
    const out: Record<string, unknown> = {};
    for (const child of element.children) {
        out[pascal(child.name)] = toApiShape(child);
    }
    return out;
}
