/**
 * `slugify` as python-slugify 8.0.4 computes it with its default options and
 * text-unidecode 1.3 (the combination lazyscribe 2.2.1 installs), so slugs, folder
 * names and default artifact file names match the Python library exactly.
 *
 * @packageDocumentation
 */
import npmSlugify from "slugify";
import unidecode from "unidecode";

// Python's `html.entities.name2codepoint` (HTML 4: 252 names), as `name:hex`.
const NAMED_ENTITIES: ReadonlyMap<string, number> = new Map(
  (
    "AElig:c6 Aacute:c1 Acirc:c2 Agrave:c0 Alpha:391 Aring:c5 Atilde:c3 Auml:c4 Beta:392 Ccedil:c7 Chi:3a7 " +
    "Dagger:2021 Delta:394 ETH:d0 Eacute:c9 Ecirc:ca Egrave:c8 Epsilon:395 Eta:397 Euml:cb Gamma:393 Iacute:cd " +
    "Icirc:ce Igrave:cc Iota:399 Iuml:cf Kappa:39a Lambda:39b Mu:39c Ntilde:d1 Nu:39d OElig:152 Oacute:d3 Ocirc:d4 " +
    "Ograve:d2 Omega:3a9 Omicron:39f Oslash:d8 Otilde:d5 Ouml:d6 Phi:3a6 Pi:3a0 Prime:2033 Psi:3a8 Rho:3a1 " +
    "Scaron:160 Sigma:3a3 THORN:de Tau:3a4 Theta:398 Uacute:da Ucirc:db Ugrave:d9 Upsilon:3a5 Uuml:dc Xi:39e " +
    "Yacute:dd Yuml:178 Zeta:396 aacute:e1 acirc:e2 acute:b4 aelig:e6 agrave:e0 alefsym:2135 alpha:3b1 amp:26 " +
    "and:2227 ang:2220 aring:e5 asymp:2248 atilde:e3 auml:e4 bdquo:201e beta:3b2 brvbar:a6 bull:2022 cap:2229 " +
    "ccedil:e7 cedil:b8 cent:a2 chi:3c7 circ:2c6 clubs:2663 cong:2245 copy:a9 crarr:21b5 cup:222a curren:a4 " +
    "dArr:21d3 dagger:2020 darr:2193 deg:b0 delta:3b4 diams:2666 divide:f7 eacute:e9 ecirc:ea egrave:e8 empty:2205 " +
    "emsp:2003 ensp:2002 epsilon:3b5 equiv:2261 eta:3b7 eth:f0 euml:eb euro:20ac exist:2203 fnof:192 forall:2200 " +
    "frac12:bd frac14:bc frac34:be frasl:2044 gamma:3b3 ge:2265 gt:3e hArr:21d4 harr:2194 hearts:2665 hellip:2026 " +
    "iacute:ed icirc:ee iexcl:a1 igrave:ec image:2111 infin:221e int:222b iota:3b9 iquest:bf isin:2208 iuml:ef " +
    "kappa:3ba lArr:21d0 lambda:3bb lang:2329 laquo:ab larr:2190 lceil:2308 ldquo:201c le:2264 lfloor:230a " +
    "lowast:2217 loz:25ca lrm:200e lsaquo:2039 lsquo:2018 lt:3c macr:af mdash:2014 micro:b5 middot:b7 minus:2212 " +
    "mu:3bc nabla:2207 nbsp:a0 ndash:2013 ne:2260 ni:220b not:ac notin:2209 nsub:2284 ntilde:f1 nu:3bd oacute:f3 " +
    "ocirc:f4 oelig:153 ograve:f2 oline:203e omega:3c9 omicron:3bf oplus:2295 or:2228 ordf:aa ordm:ba oslash:f8 " +
    "otilde:f5 otimes:2297 ouml:f6 para:b6 part:2202 permil:2030 perp:22a5 phi:3c6 pi:3c0 piv:3d6 plusmn:b1 " +
    "pound:a3 prime:2032 prod:220f prop:221d psi:3c8 quot:22 rArr:21d2 radic:221a rang:232a raquo:bb rarr:2192 " +
    "rceil:2309 rdquo:201d real:211c reg:ae rfloor:230b rho:3c1 rlm:200f rsaquo:203a rsquo:2019 sbquo:201a " +
    "scaron:161 sdot:22c5 sect:a7 shy:ad sigma:3c3 sigmaf:3c2 sim:223c spades:2660 sub:2282 sube:2286 sum:2211 " +
    "sup:2283 sup1:b9 sup2:b2 sup3:b3 supe:2287 szlig:df tau:3c4 there4:2234 theta:3b8 thetasym:3d1 thinsp:2009 " +
    "thorn:fe tilde:2dc times:d7 trade:2122 uArr:21d1 uacute:fa uarr:2191 ucirc:fb ugrave:f9 uml:a8 upsih:3d2 " +
    "upsilon:3c5 uuml:fc weierp:2118 xi:3be yacute:fd yen:a5 yuml:ff zeta:3b6 zwj:200d zwnj:200c"
  )
    .split(" ")
    .map((pair): [string, number] => {
      const [name, hex] = pair.split(":") as [string, string];
      return [name, parseInt(hex, 16)];
    }),
);

// The npm `unidecode` tables are a different release of Perl's Text::Unidecode than
// text-unidecode 1.3. These are the BMP code points (among those left after NFKD) where
// the two differ in a way a slug can see, with text-unidecode's output; found by
// comparing all 65,536 code points. Sorted, non-overlapping `[first, last, output]`.
const TEXT_UNIDECODE_OVERRIDES: readonly (readonly [number, number, string])[] = [
  [0x80, 0x80, ""],
  [0x82, 0x8c, ""],
  [0x8e, 0x8e, ""],
  [0x91, 0x9c, ""],
  [0x9e, 0x9f, ""],
  [0x2e5, 0x2eb, ""],
  [0x2ef, 0x2ef, "[?]"],
  [0x2f3, 0x2f3, "[?]"],
  [0x3f6, 0x3f8, "[?]"],
  [0x3fc, 0x3ff, "[?]"],
  [0x6ff, 0x6ff, "[?]"],
  [0x800, 0x8ff, "[?]"],
  [0xaf1, 0xaf1, "[?]"],
  [0xaf9, 0xaf9, "[?]"],
  [0x13f5, 0x13f5, "[?]"],
  [0x13f8, 0x13fd, "[?]"],
  [0x1900, 0x1b05, "[?]"],
  [0x1b07, 0x1b07, "[?]"],
  [0x1b09, 0x1b09, "[?]"],
  [0x1b0b, 0x1b0b, "[?]"],
  [0x1b0d, 0x1b0d, "[?]"],
  [0x1b0f, 0x1b11, "[?]"],
  [0x1b13, 0x1b3a, "[?]"],
  [0x1b3c, 0x1b3c, "[?]"],
  [0x1b3e, 0x1b3f, "[?]"],
  [0x1b42, 0x1b42, "[?]"],
  [0x1b44, 0x1d2b, "[?]"],
  [0x1d2f, 0x1d2f, "[?]"],
  [0x1d3b, 0x1d3b, "[?]"],
  [0x1d4e, 0x1d4e, "[?]"],
  [0x1d6b, 0x1d77, "[?]"],
  [0x1d79, 0x1d9a, "[?]"],
  [0x1dc0, 0x1dff, "[?]"],
  [0x1efa, 0x1eff, "[?]"],
  [0x25f4, 0x25f7, "#"],
  [0x25fb, 0x25fe, "[?]"],
  [0x2900, 0x2a0b, "[?]"],
  [0x2a0d, 0x2a73, "[?]"],
  [0x2a77, 0x2adb, "[?]"],
  [0x2add, 0x2c7b, "[?]"],
  [0x2c7e, 0x2d6e, "[?]"],
  [0x2d70, 0x2dff, "[?]"],
  [0x3400, 0x4cff, "[?]"],
  [0xa500, 0xa69b, "[?]"],
  [0xa69e, 0xa76f, "[?]"],
  [0xa771, 0xa7f1, "[?]"],
  [0xa7f5, 0xa7f7, "[?]"],
  [0xa7fa, 0xab5b, "[?]"],
  [0xab60, 0xab68, "[?]"],
  [0xab6a, 0xabff, "[?]"],
  [0xd800, 0xf8ff, "[?]"],
  [0xfdfd, 0xfdfd, "[?]"],
];

// Code points unassigned in Unicode 14 (CPython 3.11's `unicodedata`) that Node's newer
// Unicode decomposes or reorders under NFKD. Python leaves them alone, so must we.
const UNKNOWN_TO_PYTHON_CLASS = String.raw`[\u{897}\u{1acf}-\u{1add}\u{1ae0}-\u{1aeb}\u{a7f1}\u{105c9}\u{105e4}\u{10d69}-\u{10d6d}\u{10efa}-\u{10efb}\u{10efd}-\u{10eff}\u{11383}\u{11385}\u{1138e}\u{11391}\u{113c5}\u{113c7}-\u{113c8}\u{113ce}-\u{113d0}\u{11f41}-\u{11f42}\u{16121}-\u{16128}\u{1612f}\u{16d68}-\u{16d6a}\u{1ccd6}-\u{1ccf9}\u{1e030}-\u{1e06d}\u{1e08f}\u{1e4ec}-\u{1e4ef}\u{1e5ee}-\u{1e5ef}\u{1e6e3}\u{1e6e6}\u{1e6ee}-\u{1e6ef}\u{1e6f5}]`;
// eslint-disable-next-line no-misleading-character-class -- ranges of combining marks, matched per code point under /u
const UNKNOWN_TO_PYTHON = new RegExp(`(${UNKNOWN_TO_PYTHON_CLASS})`, "u");

// Python's `\d` is Unicode category Nd (Unicode 14 ranges; every range holds whole runs of 0-9).
const ND_RANGES = String.raw`\u{30}-\u{39}\u{660}-\u{669}\u{6f0}-\u{6f9}\u{7c0}-\u{7c9}\u{966}-\u{96f}\u{9e6}-\u{9ef}\u{a66}-\u{a6f}\u{ae6}-\u{aef}\u{b66}-\u{b6f}\u{be6}-\u{bef}\u{c66}-\u{c6f}\u{ce6}-\u{cef}\u{d66}-\u{d6f}\u{de6}-\u{def}\u{e50}-\u{e59}\u{ed0}-\u{ed9}\u{f20}-\u{f29}\u{1040}-\u{1049}\u{1090}-\u{1099}\u{17e0}-\u{17e9}\u{1810}-\u{1819}\u{1946}-\u{194f}\u{19d0}-\u{19d9}\u{1a80}-\u{1a89}\u{1a90}-\u{1a99}\u{1b50}-\u{1b59}\u{1bb0}-\u{1bb9}\u{1c40}-\u{1c49}\u{1c50}-\u{1c59}\u{a620}-\u{a629}\u{a8d0}-\u{a8d9}\u{a900}-\u{a909}\u{a9d0}-\u{a9d9}\u{a9f0}-\u{a9f9}\u{aa50}-\u{aa59}\u{abf0}-\u{abf9}\u{ff10}-\u{ff19}\u{104a0}-\u{104a9}\u{10d30}-\u{10d39}\u{11066}-\u{1106f}\u{110f0}-\u{110f9}\u{11136}-\u{1113f}\u{111d0}-\u{111d9}\u{112f0}-\u{112f9}\u{11450}-\u{11459}\u{114d0}-\u{114d9}\u{11650}-\u{11659}\u{116c0}-\u{116c9}\u{11730}-\u{11739}\u{118e0}-\u{118e9}\u{11950}-\u{11959}\u{11c50}-\u{11c59}\u{11d50}-\u{11d59}\u{11da0}-\u{11da9}\u{16a60}-\u{16a69}\u{16ac0}-\u{16ac9}\u{16b50}-\u{16b59}\u{1d7ce}-\u{1d7ff}\u{1e140}-\u{1e149}\u{1e2f0}-\u{1e2f9}\u{1e950}-\u{1e959}\u{1fbf0}-\u{1fbf9}`;
const ND_STARTS = [...ND_RANGES.matchAll(/\\u\{([0-9a-f]+)\}-/g)].map((m) => parseInt(m[1] as string, 16));

const ENTITY = /&([A-Za-z0-9]+);/g;
// After transliteration the text is ASCII, and named entities add no digits, so `[0-9]` is Python's `\d` here.
const DECIMAL = /&#([0-9]+);/g;
// Decimal references can add non-ASCII digits, which Python's `\d` and `int(_, 16)` accept.
const HEX = new RegExp(`&#x([${ND_RANGES}a-fA-F]+);`, "gu");
const QUOTES = /'+/g;
// A comma between two digits; non-ASCII digits need no care: they and the comma both become `-`.
const NUMBER_COMMA = /(?<=[0-9]),(?=[0-9])/g;
const DISALLOWED = /[^-a-zA-Z0-9]+/g;

/** Unicode NFKD as CPython 3.11 (Unicode 14) computes it. */
function pythonNfkd(text: string): string {
  if (!UNKNOWN_TO_PYTHON.test(text)) return text.normalize("NFKD");
  // An unassigned code point is a starter to Python, so normalising the pieces between them is exact.
  return text
    .split(UNKNOWN_TO_PYTHON)
    .map((part, k) => (k % 2 === 1 ? part : part.normalize("NFKD")))
    .join("");
}

function override(cp: number): string | undefined {
  let lo = 0;
  let hi = TEXT_UNIDECODE_OVERRIDES.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [first, last, output] = TEXT_UNIDECODE_OVERRIDES[mid] as readonly [number, number, string];
    if (cp < first) hi = mid - 1;
    else if (cp > last) lo = mid + 1;
    else return output;
  }
  return undefined;
}

/** text-unidecode 1.3: ASCII as is, astral code points dropped, the BMP through the Text::Unidecode tables. */
function textUnidecode(text: string): string {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x80) out += ch;
    else if (cp <= 0xffff) {
      // One character per call: the npm package's matcher treats some Latin-1 runs as UTF-8 bytes.
      out += override(cp) ?? unidecode(ch);
    }
  }
  return out;
}

function digitValue(ch: string): number {
  const cp = ch.codePointAt(0) as number;
  if (cp >= 48 && cp <= 57) return cp - 48;
  const lower = cp | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  let start = 0;
  for (const s of ND_STARTS) if (s <= cp) start = s;
  return (cp - start) % 10;
}

/**
 * One of python-slugify's reference substitutions. Python wraps each `re.sub` in
 * `try/except: pass`, so a single out-of-range reference leaves the whole step undone.
 */
function substituteReferences(text: string, pattern: RegExp, radix: number): string {
  let failed = false;
  const result = text.replace(pattern, (_match, digits: string) => {
    let value = 0;
    for (const ch of digits) {
      value = value * radix + digitValue(ch);
      if (value > 0x10ffff) value = Infinity;
    }
    if (value > 0x10ffff) {
      failed = true;
      return "";
    }
    return String.fromCodePoint(value);
  });
  return failed ? text : result;
}

/**
 * Turns a name into a URL- and file-safe slug exactly as python-slugify 8.0.4
 * (`slugify(text)` with default options, text-unidecode 1.3) does: quotes to `-`,
 * NFKD and transliteration to ASCII, HTML entity and character references decoded,
 * NFKD again, lower case, leftover quotes and commas between digits removed, every
 * run of characters outside `[-a-z0-9]` collapsed to a single `-`, and `-` trimmed
 * from both ends. The result can be empty (`"!!!"` gives `""`).
 *
 * @example slugify("C'est déjà l'été.") === "c-est-deja-l-ete"
 */
export function slugify(text: string): string {
  let s = text.replace(QUOTES, "-");
  s = textUnidecode(pythonNfkd(s));
  s = s.replace(ENTITY, (match, name: string) => {
    const cp = NAMED_ENTITIES.get(name);
    return cp === undefined ? match : String.fromCodePoint(cp);
  });
  s = substituteReferences(s, DECIMAL, 10);
  s = substituteReferences(s, HEX, 16);
  s = pythonNfkd(s).toLowerCase();
  s = s.replace(QUOTES, "").replace(NUMBER_COMMA, "");
  // The npm `slugify` cannot do the earlier steps as Python does: its character map
  // spells out ASCII symbols (`&` → `and`, `$` → `dollar`), transliterates from a different
  // table and deletes unknown characters instead of separating words. Given only letters,
  // digits and spaces it does what python-slugify's last step does: join words with `-`,
  // collapse runs and trim the ends.
  return npmSlugify(s.replace(DISALLOWED, " "), { replacement: "-", lower: false, strict: false, trim: true });
}
