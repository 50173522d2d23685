/**
 * ISO 3166-1 alpha-2 codes with the names people write: English (official and common forms)
 * and German here; French, Spanish, Italian, Dutch and Portuguese from ICU below. One line per country: `CODE|name|other name|...`. Matching ignores case and
 * diacritics, so "Österreich" and "Osterreich" are the same.
 */
const DATA = `
AD|Andorra
AE|United Arab Emirates|UAE|U.A.E.|Vereinigte Arabische Emirate|Dubai|Abu Dhabi
AF|Afghanistan
AG|Antigua and Barbuda|Antigua und Barbuda
AL|Albania|Albanien
AM|Armenia|Armenien
AO|Angola
AR|Argentina|Argentinien
AT|Austria|Österreich|Vienna|Wien
AU|Australia|Australien|Sydney|Melbourne
AZ|Azerbaijan|Aserbaidschan
BA|Bosnia and Herzegovina|Bosnia-Herzegovina|Bosnien und Herzegowina
BB|Barbados
BD|Bangladesh|Bangladesch
BE|Belgium|Belgien|Brussels|Brüssel
BG|Bulgaria|Bulgarien|Sofia
BH|Bahrain
BM|Bermuda
BO|Bolivia|Bolivien
BR|Brazil|Brasilien|São Paulo|Sao Paulo
BS|Bahamas|The Bahamas
BW|Botswana|Botsuana
BY|Belarus|Weißrussland
BZ|Belize
CA|Canada|Kanada|Toronto|Montreal|Vancouver
CH|Switzerland|Schweiz|Zurich|Zürich|Geneva|Genf
CI|Côte d'Ivoire|Ivory Coast|Elfenbeinküste
CL|Chile
CM|Cameroon|Kamerun
CN|China|People's Republic of China|PRC|Volksrepublik China|Beijing|Shanghai
CO|Colombia|Kolumbien
CR|Costa Rica
CU|Cuba|Kuba
CY|Cyprus|Zypern
CZ|Czechia|Czech Republic|Tschechien|Tschechische Republik|Prague|Prag
DE|Germany|Deutschland|Federal Republic of Germany|Bundesrepublik Deutschland|Frankfurt|Frankfurt am Main|Berlin|Munich|München|Hamburg|Nuremberg|Nürnberg|Falkenstein
DK|Denmark|Dänemark|Copenhagen|Kopenhagen
DO|Dominican Republic|Dominikanische Republik
DZ|Algeria|Algerien
EC|Ecuador
EE|Estonia|Estland|Tallinn
EG|Egypt|Ägypten|Cairo
ES|Spain|Spanien|Madrid|Barcelona
ET|Ethiopia|Äthiopien
FI|Finland|Finnland|Helsinki
FO|Faroe Islands|Färöer
FR|France|Frankreich|Paris|Marseille
GB|United Kingdom|UK|U.K.|Great Britain|Britain|GB|England|Scotland|Wales|Northern Ireland|Vereinigtes Königreich|Großbritannien|Grossbritannien|England und Wales|London|Manchester|Edinburgh
GE|Georgia (country)|Georgien
GG|Guernsey
GH|Ghana
GI|Gibraltar
GR|Greece|Griechenland|Athens|Athen
GT|Guatemala
HK|Hong Kong|Hongkong|Hong Kong SAR
HN|Honduras
HR|Croatia|Kroatien|Zagreb
HU|Hungary|Ungarn|Budapest
ID|Indonesia|Indonesien|Jakarta
IE|Ireland|Republic of Ireland|Irland|Eire|Dublin|Cork
IL|Israel|Tel Aviv
IM|Isle of Man
IN|India|Indien|Bangalore|Bengaluru|Mumbai|Pune|Hyderabad|Chennai|New Delhi
IQ|Iraq|Irak
IR|Iran
IS|Iceland|Island|Reykjavik
IT|Italy|Italien|Milan|Mailand|Rome|Rom
JE|Jersey
JM|Jamaica|Jamaika
JO|Jordan|Jordanien
JP|Japan|Tokyo|Tokio|Osaka
KE|Kenya|Kenia|Nairobi
KH|Cambodia|Kambodscha
KR|South Korea|Republic of Korea|Korea|Südkorea|Republik Korea|Seoul
KW|Kuwait
KY|Cayman Islands|Kaimaninseln
KZ|Kazakhstan|Kasachstan
LB|Lebanon|Libanon
LI|Liechtenstein
LK|Sri Lanka
LT|Lithuania|Litauen|Vilnius
LU|Luxembourg|Luxemburg
LV|Latvia|Lettland|Riga
MA|Morocco|Marokko
MC|Monaco
MD|Moldova|Republic of Moldova|Moldau|Moldawien
ME|Montenegro
MK|North Macedonia|Macedonia|Nordmazedonien
MT|Malta
MU|Mauritius
MX|Mexico|Mexiko|Mexico City
MY|Malaysia|Kuala Lumpur
NG|Nigeria|Lagos
NI|Nicaragua
NL|Netherlands|The Netherlands|Holland|Niederlande|Amsterdam|Rotterdam|Eindhoven
NO|Norway|Norwegen|Oslo
NP|Nepal
NZ|New Zealand|Neuseeland|Auckland
OM|Oman
PA|Panama
PE|Peru
PH|Philippines|Philippinen|Manila
PK|Pakistan
PL|Poland|Polen|Warsaw|Warschau|Krakow|Kraków
PR|Puerto Rico
PT|Portugal|Lisbon|Lissabon|Porto
PY|Paraguay
QA|Qatar|Katar
RO|Romania|Rumänien|Bucharest|Bukarest
RS|Serbia|Serbien|Belgrade|Belgrad
RU|Russia|Russian Federation|Russland|Russische Föderation|Moscow|Moskau
SA|Saudi Arabia|Saudi-Arabien|KSA
SE|Sweden|Schweden|Stockholm
SG|Singapore|Singapur|Republic of Singapore
SI|Slovenia|Slowenien|Ljubljana
SK|Slovakia|Slovak Republic|Slowakei|Bratislava
SN|Senegal
SV|El Salvador
TH|Thailand|Bangkok
TN|Tunisia|Tunesien
TR|Türkiye|Turkey|Türkei|Istanbul
TT|Trinidad and Tobago|Trinidad und Tobago
TW|Taiwan|Taipei
TZ|Tanzania|Tansania
UA|Ukraine|Kyiv|Kiev
UG|Uganda
UM|United States Minor Outlying Islands|US Minor Outlying Islands|Amerikanische Überseeinseln
US|United States|New Mexico|United States of America|USA|U.S.A.|U.S.|US|America|Vereinigte Staaten|Vereinigte Staaten von Amerika|Virginia|Northern Virginia|Oregon|Ohio|California|Kalifornien|Texas|Iowa|New York|Washington|Seattle|San Francisco|Chicago|Atlanta|Dallas
UY|Uruguay|Montevideo
UZ|Uzbekistan|Usbekistan
VE|Venezuela
VN|Vietnam|Viet Nam
ZA|South Africa|Südafrika|Republic of South Africa|Johannesburg|Cape Town|Kapstadt
ZW|Zimbabwe|Simbabwe
KN|Saint Kitts and Nevis|St Kitts and Nevis
VG|British Virgin Islands|BVI
`;

export interface CountryName {
  code: string;
  name: string;
}

/** Every (name, code) pair, names as written above. */
const WRITTEN_NAMES: CountryName[] = DATA.trim()
  .split('\n')
  .flatMap((line) => {
    const [code, ...names] = line.split('|');
    return names.map((name) => ({ code: code ?? '', name: name.replace(/\s*\(country\)$/, '') }));
  });

/** Languages whose country names are also understood ("Allemagne", "Estados Unidos", "Ierland"). */
const MORE_LANGUAGES = ['fr', 'es', 'it', 'nl', 'pt'];

/**
 * The same countries' names in more languages, from the runtime's ICU data (Node ships it
 * whole). Short names are left out: three letters are more often a word or a code.
 */
function namesInMoreLanguages(codes: readonly string[]): CountryName[] {
  const known = new Set(WRITTEN_NAMES.map((n) => n.name.toLowerCase()));
  const out: CountryName[] = [];
  for (const lang of MORE_LANGUAGES) {
    let names: Intl.DisplayNames;
    try {
      names = new Intl.DisplayNames([lang], { type: 'region', fallback: 'none' });
    } catch {
      continue; // a runtime built without this language
    }
    for (const code of codes) {
      const name = names.of(code);
      if (!name || name.length < 4 || known.has(name.toLowerCase())) continue;
      known.add(name.toLowerCase());
      out.push({ code, name });
    }
  }
  return out;
}

export const COUNTRY_NAMES: CountryName[] = [
  ...WRITTEN_NAMES,
  ...namesInMoreLanguages([...new Set(WRITTEN_NAMES.map((n) => n.code))]),
];

/** The English name of each code (the first name on its line). */
export const COUNTRY_DISPLAY = new Map(
  DATA.trim()
    .split('\n')
    .map((line) => {
      const [code, name] = line.split('|');
      return [code ?? '', (name ?? '').replace(/\s*\(country\)$/, '')] as const;
    }),
);

/** Codes written alone ("US", "DE") that are also ordinary words are accepted only in upper case. */
export const ALL_CODES = new Set(COUNTRY_DISPLAY.keys());
