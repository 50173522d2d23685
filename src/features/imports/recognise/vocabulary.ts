/**
 * The importer's vocabulary in one place: the words that make a name a company's, a heading a
 * type, a phrase an alias or a place; and the thresholds the recognisers judge by, named. The
 * header synonym tables (one per column role, weighted) live in header-synonyms*.ts and are
 * re-exported here, so a recogniser imports its words from this module only.
 */
export { HEADER_SYNONYMS, normaliseHeader } from './header-synonyms.js';

/** Legal forms in many jurisdictions, as regex sources (dots optional where people drop them). */
const LEGAL_FORMS_CORE = String.raw`limited|ltd|plc|llc|llp|lp|inc|incorporated|corp|corporation|gmbh|ag|kg|se|sa|sas|sarl|srl|spa|bv|nv|oy|oyj|ab|a\/s|aps|asa|sl|slu|s\.l\.u|eood|kft|pte|pty|pvt|sdn bhd|bhd|kk|ug|mbh|pbc|s\.r\.o`;

/**
 * A legal form anywhere in a string ("Acme GmbH", "Google LLC (US)"): the string names a company.
 * "company" and "co." count here; "as" does not ("such as").
 */
export const LEGAL_FORM_WORDS = new RegExp(
  String.raw`\b(?:${LEGAL_FORMS_CORE}|company|s\.a|b\.v|n\.v|s\.r\.l|s\.p\.a|s\.a\.r\.l|co\.)\.?(?=\s|$|,|\))`,
  'i',
);

/**
 * A legal form that ends a name: "A Ltd and B GmbH" names two companies. At the end of a name "AS"
 * (Norway) and "Holdings" are forms too; "company" is not (it ends "Johnson and Johnson company").
 */
export const LEGAL_FORM_AT_END = new RegExp(
  String.raw`(?:\b(?:${LEGAL_FORMS_CORE}|s\.?a\.?r\.?l|s\.?p\.?a|b\.v|n\.v|as|s\.l|ood|zrt|sp\.? z o\.?o|k\.k|e\.?k|holdings)\.?)\s*$`,
  'i',
);

/** "t/as", "d/b/a": what follows is a trading name. */
export const TRADING_MARKER = String.raw`(?:t\/as|t\/a|trading as|d\/b\/a|dba|doing business as|aka|a\/k\/a|also known as|handelnd als|firmierend als)`;
/** "formerly", "f/k/a": what follows is a former name. */
export const FORMER_MARKER = String.raw`(?:formerly|previously|prev\.|f\/k\/a|fka|formerly known as|vormals|ehemals|früher)`;

/** Type words, tested on a normalised header (normaliseHeader: lower case, words only). */
export const TYPE_WORDS = {
  affiliate:
    /\b(affiliates?|group compan(y|ies)|group entit(y|ies)|intra group|konzern\w*|verbundene\w*|tochtergesellschaft\w*|subsidiar(y|ies))\b/,
  infrastructure:
    /\b(infrastructure|infrastruktur\w*|hosting|cloud infrastructure|data cent(re|er)s?|rechenzentr\w*)\b/,
  third_party: /\b(third part(y|ies)|3rd part(y|ies)|dritt\w*|external|externe\w*)\b/,
} as const;

/** A heading naming a field of work ("Hosting"), not a type, unless it says infrastructure. */
export const FIELD_OF_WORK_HEADING = /\b(hosting|data cent(re|er)s?|rechenzentr\w*)\b/;

/** A bullet part that is only a type label ("Affiliate", "Third party"), not a purpose. */
export const TYPE_LABEL =
  /^(?:affiliates?|group compan(?:y|ies)|infrastructure(?: provider)?|third[- ]part(?:y|ies)|3rd[- ]party|konzerngesellschaft|drittanbieter)$/i;

/** A purpose that only states a place in the provider's own group ("Subsidiary", "Parent company"). */
export const GROUP_ROLE_PURPOSE =
  /^(?:(?:a |the )?(?:(?:wholly owned |fully owned )?subsidiar(?:y|ies)|parent(?: company)?|sister company|holding(?: company)?|group compan(?:y|ies)|affiliated? compan(?:y|ies)|intra group(?: services?)?|tochtergesellschaft|muttergesellschaft|schwestergesellschaft|konzerngesellschaft|filiale|maison mere)(?: of \w+)?)$/;

/** "… all located in the United States:": the place a sentence before a list gives to all of it. */
export const LOCATED_IN =
  /\b(?:located|based|hosted|processed|stored|established|operating|situated)\s+(?:in|within)\s+(?:the\s+)?([^:;.]+?)\s*[:.]?\s*$/i;

/** The text of a link under a name ("Privacy terms · DPA", "privacy", "Site policies"): not a name. */
export const LINK_TEXT =
  /^(?:(?:privacy(?: policy| terms| notice| statement)?|terms(?: of service| and conditions)?|dpa|site policies|trust (?:cent(?:re|er)|portal)|website|more info(?:rmation)?|datenschutz(?:erklärung|hinweise)?|agb|sub-?processors?)\s*(?:[·|•,/]\s*)?)+$/i;

/** A heading or sentence that introduces the list of sub-processors. */
export const INTRODUCES_LIST =
  /sub-?processors?|unterauftrag|subunternehmer|auftragsverarbeiter|service providers|vendors|sous-traitants?|subencargad[oa]s?|sub-?responsabili|subappaltator/i;

/**
 * Words that begin a description after a brand whose markup was lost in print ("Plausible We use
 * this service …", "Zendesk All our support requests …").
 */
export const DESCRIPTION_STARTERS =
  /^(?:we|our|us|they|their|it|its|this|these|that|all|when|some|used|using|provides?|processes|hosts?|handles?|stores?|sends?|helps?|allows?|enables?|wir|nous|nosotros)\b/i;

/** A clause of a contract ("Article 3 : Obligations", "Section 12", "Annexe 2"): never an entry. */
export const CLAUSE_HEADING =
  /^(?:article|art\.|section|clause|§|annexe?|appendix|anlage|anhang|schedule|chapitre|chapter|artículo|articolo)\s*[\dIVX]+\b/i;

/** Words that make a heading merely "the list", not a group of it. */
export const GENERIC_HEADING_WORDS: ReadonlySet<string> = new Set(
  'sub processor processors subprocessor subprocessors sub processors list lists of our the current full approved authorised authorized overview table annex appendix schedule and de der die unsere aktuelle liste unterauftragsverarbeiter unterauftragnehmer subunternehmer verzeichnis third party parties data personal gdpr dsgvo'.split(
    ' ',
  ),
);

/** Small words a capitalised organisation name may hold in lower case ("Bank of America"). */
export const NAME_PARTICLES = /^(of|and|&|the|for|de|du|la|le|und|der|die|von|y|et|\/)$/i;

/** The thresholds the recognisers judge by. */
/** A heading that says its list is not of sub-processors: "Third-party services (Not Subprocessors)". */
export const NOT_SUBPROCESSORS =
  /\b(?:not|keine)\s+(?:[\p{L}.'’-]+\s+){0,2}?(?:sub-?processors?|unterauftragsverarbeiter|sous-traitants ultérieurs)\b/iu;

/** With a place, a column title that stands for that place: "US Server", "EU region". */
export const PLACE_COLUMN_WORDS: ReadonlySet<string> = new Set([
  'server',
  'servers',
  'region',
  'instance',
  'hosting',
  'cloud',
  'datacenter',
  'datacentre',
  'deployment',
]);

export const THRESHOLDS = {
  /** an organisation name without a legal form: at most this many words */
  orgMaxWords: 6,
  /** any organisation name: at most this many characters */
  orgMaxChars: 160,
  /** a bullet run is a list of entries when at least this share of its items parse as one */
  bulletRunShare: 0.5,
  /** a run of bare names is the list when at least this share of its items are names */
  bareNameShare: 0.8,
  /** a run of bullets is a list of brands when at least this share of its items read as one */
  brandRunShare: 0.8,
  /** headings and paragraphs looked at above a bullet run for what introduces it */
  introLookBack: 4,
  /** a flattened table: at most this many rows, cut points per line, characters per line */
  flattenedMaxRows: 1000,
  flattenedMaxCuts: 24,
  flattenedMaxLine: 600,
  /** a flattened row wrapped by a printed page: at most this many lines joined into one row */
  flattenedMaxWrap: 3,
  /** a column answers yes/no (a flag, no field) when this share of its cells do */
  flagColumnShare: 0.8,
  /** entries needed in a document before its bullets are taken for records */
  minEntries: 2,
  /** leading rows that may come before a table's header (a title, a date, an empty row) */
  headerSearchRows: 12,
  /** paragraphs that may stand between a heading and the entries it introduces */
  headingMaxGap: 2,
  /** a column without header is the name when this share of its cells has a legal form */
  inferredNameShare: 0.5,
  /** … the location when this share are places, the type when this share are type words */
  inferredPlaceShare: 0.6,
  inferredTypeShare: 0.6,
} as const;
