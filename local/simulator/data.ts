// Static reference data for the simulated world. Course names are the real GB/IRE courses (ids are real
// where the captures show them, invented otherwise); all people and horse names are invented.

/** Course kinds: flat turf, jumps turf, summer-jumping track, both codes, all-weather, defunct (no fixtures). */
export type CourseKind = "flat" | "jumps" | "summerjumps" | "mixed" | "aw" | "defunct";

export interface CourseDef {
  id: string;
  name: string;
  region: "GB" | "IRE" | "FR";
  kind: CourseKind;
  /** relative popularity when fixtures are drawn */
  weight: number;
  location: string;
}

// deno-fmt-ignore
const GB: [string, string, CourseKind, number, string][] = [
  ["crs_832", "Aintree", "jumps", 1, "Liverpool"], ["crs_52", "Ascot", "mixed", 2, "Ascot, Berks"],
  ["crs_78", "Ayr", "mixed", 2, "Ayr"], ["crs_130", "Bangor-On-Dee", "jumps", 2, "Wrexham"],
  ["crs_156", "Bath", "flat", 3, "Bath"], ["crs_182", "Beverley", "flat", 3, "Beverley"],
  ["crs_208", "Brighton", "flat", 3, "Brighton"], ["crs_221", "Carlisle", "mixed", 2, "Carlisle"],
  ["crs_234", "Cartmel", "summerjumps", 1, "Cartmel, Cumbria"], ["crs_247", "Catterick", "mixed", 3, "Catterick"],
  ["crs_1138", "Chelmsford (AW)", "aw", 4, "Chelmsford, Essex"], ["crs_286", "Cheltenham", "jumps", 1, "Cheltenham"],
  ["crs_299", "Chepstow", "mixed", 2, "Chepstow"], ["crs_312", "Chester", "flat", 2, "Chester"],
  ["crs_390", "Doncaster", "mixed", 2, "Doncaster"], ["crs_429", "Epsom", "flat", 1, "Epsom, Surrey"],
  ["crs_455", "Exeter", "jumps", 3, "Exeter"], ["crs_468", "Fakenham", "jumps", 2, "Fakenham"],
  ["crs_9371", "Ffos Las", "mixed", 2, "Trimsaran"], ["crs_520", "Fontwell", "jumps", 3, "Arundel"],
  ["crs_559", "Goodwood", "flat", 2, "Chichester"], ["crs_611", "Hamilton", "flat", 3, "Hamilton"],
  ["crs_598", "Haydock", "mixed", 2, "Newton-le-Willows"], ["crs_624", "Hereford", "jumps", 2, "Hereford"],
  ["crs_637", "Hexham", "summerjumps", 2, "Hexham"], ["crs_663", "Huntingdon", "jumps", 3, "Huntingdon"],
  ["crs_689", "Kelso", "jumps", 2, "Kelso"], ["crs_702", "Kempton", "jumps", 2, "Sunbury-on-Thames"],
  ["crs_28054", "Kempton (AW)", "aw", 5, "Sunbury-on-Thames"], ["crs_728", "Leicester", "mixed", 3, "Leicester"],
  ["crs_741", "Lingfield", "jumps", 1, "Lingfield, Surrey"], ["crs_1165", "Lingfield (AW)", "aw", 5, "Lingfield, Surrey"],
  ["crs_767", "Ludlow", "jumps", 3, "Ludlow"], ["crs_793", "Market Rasen", "summerjumps", 3, "Market Rasen"],
  ["crs_819", "Musselburgh", "mixed", 3, "Musselburgh"], ["crs_845", "Newbury", "mixed", 2, "Newbury, Berks"],
  ["crs_858", "Newcastle", "jumps", 2, "Newcastle"], ["crs_10946", "Newcastle (AW)", "aw", 5, "Newcastle"],
  ["crs_871", "Newmarket", "flat", 2, "Newmarket, Suffolk"], ["crs_1218", "Newmarket (July)", "flat", 2, "Newmarket, Suffolk"],
  ["crs_884", "Newton Abbot", "summerjumps", 3, "Newton Abbot"], ["crs_897", "Nottingham", "flat", 3, "Nottingham"],
  ["crs_910", "Perth", "summerjumps", 2, "Perth"], ["crs_923", "Plumpton", "jumps", 3, "Lewes"],
  ["crs_936", "Pontefract", "flat", 3, "Pontefract"], ["crs_962", "Redcar", "flat", 3, "Redcar"],
  ["crs_975", "Ripon", "flat", 3, "Ripon"], ["crs_1001", "Salisbury", "flat", 3, "Salisbury"],
  ["crs_1014", "Sandown", "mixed", 2, "Esher, Surrey"], ["crs_1027", "Sedgefield", "jumps", 3, "Stockton-on-Tees"],
  ["crs_1040", "Southwell", "summerjumps", 2, "Southwell, Notts"], ["crs_10244", "Southwell (AW)", "aw", 5, "Southwell, Notts"],
  ["crs_1066", "Stratford", "summerjumps", 3, "Stratford-upon-Avon"], ["crs_1079", "Taunton", "jumps", 3, "Taunton"],
  ["crs_1092", "Thirsk", "flat", 3, "Thirsk"], ["crs_1105", "Towcester", "jumps", 1, "Towcester"],
  ["crs_1118", "Uttoxeter", "summerjumps", 3, "Uttoxeter"], ["crs_1131", "Warwick", "jumps", 3, "Warwick"],
  ["crs_1144", "Wetherby", "jumps", 3, "Wetherby"], ["crs_1157", "Wincanton", "jumps", 3, "Wincanton"],
  ["crs_1170", "Windsor", "flat", 3, "Windsor, Berks"], ["crs_1183", "Wolverhampton (AW)", "aw", 5, "Wolverhampton"],
  ["crs_1196", "Worcester", "summerjumps", 3, "Worcester"], ["crs_1209", "Yarmouth", "flat", 3, "Great Yarmouth"],
  ["crs_1222", "York", "flat", 2, "York"], ["crs_494", "Folkestone", "defunct", 0, "Folkestone"],
  ["crs_9462", "Great Leighs", "defunct", 0, "Chelmsford, Essex"], ["crs_1197", "Wolverhampton", "defunct", 0, "Wolverhampton"],
  ["crs_117", "Ayr (Western)", "defunct", 0, "Ayr"],
];

// deno-fmt-ignore
const IRE: [string, string, CourseKind, number, string][] = [
  ["crs_4550", "Ballinrobe", "mixed", 2, "Ballinrobe, Co. Mayo"], ["crs_4576", "Bellewstown", "mixed", 1, "Bellewstown, Co. Meath"],
  ["crs_4602", "Clonmel", "jumps", 2, "Clonmel, Co. Tipperary"], ["crs_4628", "Cork", "mixed", 3, "Mallow, Co. Cork"],
  ["crs_4654", "Curragh", "flat", 3, "The Curragh, Co. Kildare"], ["crs_4680", "Down Royal", "mixed", 2, "Lisburn, Co. Antrim"],
  ["crs_4706", "Downpatrick", "jumps", 2, "Downpatrick, Co. Down"], ["crs_4732", "Dundalk (AW)", "aw", 5, "Dundalk, Co. Louth"],
  ["crs_4758", "Fairyhouse", "mixed", 3, "Ratoath, Co. Meath"], ["crs_4784", "Galway", "mixed", 2, "Ballybrit, Co. Galway"],
  ["crs_4810", "Gowran Park", "mixed", 3, "Gowran, Co. Kilkenny"], ["crs_4836", "Kilbeggan", "summerjumps", 2, "Kilbeggan, Co. Westmeath"],
  ["crs_4862", "Killarney", "mixed", 2, "Killarney, Co. Kerry"], ["crs_4888", "Laytown", "flat", 0.2, "Laytown, Co. Meath"],
  ["crs_4914", "Leopardstown", "mixed", 3, "Foxrock, Dublin"], ["crs_4940", "Limerick", "mixed", 3, "Patrickswell, Co. Limerick"],
  ["crs_4966", "Listowel", "mixed", 2, "Listowel, Co. Kerry"], ["crs_4992", "Naas", "mixed", 3, "Naas, Co. Kildare"],
  ["crs_5018", "Navan", "mixed", 3, "Navan, Co. Meath"], ["crs_5044", "Punchestown", "jumps", 3, "Naas, Co. Kildare"],
  ["crs_5070", "Roscommon", "mixed", 2, "Roscommon"], ["crs_5096", "Sligo", "mixed", 2, "Sligo"],
  ["crs_5148", "Thurles", "mixed", 3, "Thurles, Co. Tipperary"], ["crs_5122", "Tipperary", "mixed", 3, "Limerick Junction, Co. Tipperary"],
  ["crs_5174", "Tramore", "mixed", 2, "Tramore, Co. Waterford"], ["crs_5200", "Wexford", "mixed", 2, "Wexford"],
  ["crs_5226", "Tralee", "defunct", 0, "Tralee, Co. Kerry"], ["crs_5252", "Mallow", "defunct", 0, "Mallow, Co. Cork"],
  ["crs_5278", "Dundalk", "defunct", 0, "Dundalk, Co. Louth"], ["crs_5291", "Phoenix Park", "defunct", 0, "Dublin"],
  ["crs_5317", "Tuam", "defunct", 0, "Tuam, Co. Galway"], ["crs_5330", "Baldoyle", "defunct", 0, "Dublin"],
];

// deno-fmt-ignore
const FR: [string, string, CourseKind, number, string][] = [
  ["crs_5304", "Chantilly", "flat", 2, "Chantilly"], ["crs_5356", "ParisLongchamp", "flat", 2, "Paris"],
  ["crs_5382", "Deauville", "flat", 2, "Deauville"], ["crs_5408", "Saint-Cloud", "flat", 2, "Saint-Cloud"],
  ["crs_5434", "Auteuil", "jumps", 1, "Paris"],
];

function build(
  rows: [string, string, CourseKind, number, string][],
  region: "GB" | "IRE" | "FR",
): CourseDef[] {
  return rows.map(([id, name, kind, weight, location]) => ({ id, name, region, kind, weight, location }));
}

export const COURSES: CourseDef[] = [...build(GB, "GB"), ...build(IRE, "IRE"), ...build(FR, "FR")]
  .sort((a, b) => a.name.localeCompare(b.name));
export const COURSE_BY_NAME = new Map(COURSES.map((c) => [c.name, c]));

export const REGIONS = [
  { region: "Great Britain", region_code: "gb" },
  { region: "Ireland", region_code: "ire" },
  { region: "France", region_code: "fr" },
];
export const REGION_NAME: Record<string, string> = { GB: "Great Britain", IRE: "Ireland", FR: "France" };

// Horse-name vocabulary: three word lists combined bijectively so that horse names are unique.
// deno-fmt-ignore
export const WORDS_A = [
  "Amber","Ancient","Autumn","Bold","Border","Brave","Bright","Broad","Calm","Captain","Celtic","Copper","Cosmic",
  "Crimson","Dancing","Dark","Desert","Distant","Double","Dream","Early","Eastern","Electric","Emerald","Endless",
  "Falcon","Fast","Fire","Flying","Forest","Free","Frosty","Gentle","Ghost","Gilded","Golden","Grand","Green",
  "Grey","Hidden","High","Highland","Hollow","Honest","Iron","Island","Ivory","Jade","Jolly","King's","Lady",
  "Last","Late","Little","Lone","Lost","Lucky","Lunar","Magic","Marble","Master","Midnight","Mighty","Misty",
  "Moon","Morning","Mystic","Noble","Northern","Ocean","Old","Pale","Perfect","Polar","Prince","Proud","Quiet",
  "Rapid","Rebel","Red","Regal","River","Road","Rocky","Royal","Ruby","Rustic","Sacred","Salt","Scarlet","Secret",
  "Shadow","Silent","Silver","Sir","Sky","Smart","Snow","Solar","Southern","Spanish","Spring","Star","Steel",
  "Stone","Storm","Summer","Sun","Supreme","Swift","Thunder","Tiger","Timber","True","Twilight","Urban","Velvet",
  "Wild","Winter","Windsor","Young","Zesty",
];
// deno-fmt-ignore
export const WORDS_B = [
  "Angel","Arrow","Bay","Beauty","Blade","Blaze","Bloom","Boy","Breeze","Bridge","Brook","Castle","Champ","Charm",
  "Chief","Cloud","Comet","Crown","Dancer","Dawn","Diamond","Drift","Duke","Eagle","Echo","Empire","Falls","Flame",
  "Flight","Force","Fortune","Fox","Gale","Gem","Girl","Glory","Guard","Harbour","Harmony","Hawk","Heart","Hero",
  "Hill","Hope","Horizon","Hunter","Jewel","Journey","Jubilee","Kestrel","Knight","Lad","Lake","Legend","Light",
  "Lion","Magic","Melody","Meadow","Mirage","Mission","Moon","Night","Oak","Pass","Path","Pearl","Pilot","Quest",
  "Raider","Rain","Ranger","Rebel","Ridge","River","Rock","Rose","Runner","Sail","Secret","Shore","Sky","Song",
  "Spark","Spirit","Star","Storm","Stream","Strike","Summit","Sunset","Thunder","Tide","Tiger","Trail","Valley",
  "Venture","Victory","View","Voice","Voyage","Warrior","Wave","Wind","Wing","Wish","Wonder","Zephyr","Legacy",
  "Approach","Verse","Motion","Tempo","Rhythm","Ballad","Sonnet","Lantern","Compass","Anchor","Beacon","Harvest",
];
// Invented single words (two syllables), like "Zarak" or "Seneque".
// deno-fmt-ignore
export const SYL1 = ["Za","Se","Ka","Lo","Ma","Ri","To","Va","Be","Do","Fe","Gi","Ha","Jo","Ke","Li","Mo","Na","Pe","Qui","Ro","Sa","Ti","Vo","Ze","Al","El","Or","Ul","Ar"];
// deno-fmt-ignore
export const SYL2 = ["rak","neque","lina","mir","dor","vanti","belle","zaro","tino","sande","quay","lotte","ruza","mond","vio","sker","tallo","nessa","brio","cado","lusso","fina","gard","rello","tique","venna","zio","lado","mero","sta"];

// deno-fmt-ignore
export const FIRST_NAMES = [
  "Adam","Aidan","Alan","Alex","Alice","Andrew","Ben","Billy","Brian","Callum","Charlie","Charlotte","Ciaran","Conor",
  "Daniel","Danny","David","Declan","Denis","Dylan","Eoin","Finn","Gavin","George","Harry","Hollie","Jack","Jake",
  "James","Jamie","Jane","Joe","John","Jonathan","Josh","Kate","Kevin","Kieran","Kielan","Laura","Liam","Lorcan",
  "Luke","Mark","Martin","Matthew","Michael","Nick","Niall","Oisin","Olly","Patrick","Paul","Peter","Philip","Rachael",
  "Richard","Rob","Rory","Ross","Ryan","Sam","Sean","Shane","Simon","Stephen","Tom","William","Zac","Rossa",
];
// deno-fmt-ignore
export const SURNAMES = [
  "Adams","Bass","Bowen","Brennan","Burke","Byrne","Carroll","Cobden","Coleman","Crowley","Davies","Doyle","Dunne",
  "Egan","Fallon","Farrell","Fitzgerald","Foley","Gallagher","Geraghty","Hanlon","Harvey","Hayes","Hughes","Kelly",
  "Kennedy","Kingscote","Lynch","Madden","Mania","McDonald","Meehan","Moore","Mullins","Murphy","Nolan","O'Brien",
  "O'Neill","O'Connor","O'Farrell","Power","Quinlan","Reilly","Russell","Ryan","Scott","Sheehan","Skelton","Smith",
  "Stevens","Sullivan","Tudor","Turner","Twiston","Walsh","Ward","Webster","Whelan","Williams","Williamson","Woods",
  "Hobson","Buick","Murray","Sutcliffe","Halford","Marquand","Curran","Fanning","Kirby","Hogan","Levey","Strydom",
];

// deno-fmt-ignore
export const OWNER_SUFFIXES = ["Partnership","Racing","Racing Club","Syndicate","Bloodstock","Thoroughbreds","Racing Ltd","& Partners","Stud","Family"];

// deno-fmt-ignore
export const BREEDER_SUFFIXES = ["Stud","Bloodstock Ltd","Farms","Stud Farm","& Sons","Breeding Ltd"];

// Bookmakers as named in the racecards pro odds arrays (2025 capture order; the 2023 capture has fewer).
// deno-fmt-ignore
export const BOOKMAKERS_2025 = ["Bet365","William Hill","Coral","Betfred","Boyle Sports","Ladbrokes","Unibet","Bet Goodwin",
  "Bet Victor","10 Bet","BetMGM","Grosvenor Sports","Betway","Virgin Bet","talkSPORT BET","Dragon Bet","CopyBet",
  "PricedUp Bet","Spreadex","BresBet","Star Sports","7Bet","BetTom","Gentlemen Jim","Midnite","SportingIndex",
  "Quinn Bet","Betfair Exchange"];
// deno-fmt-ignore
export const BOOKMAKERS_2023 = ["Bet365","William Hill","Sky Bet","Paddy Power","Betfair Sportsbook","Coral","Betfred",
  "Boyle Sports","Ladbrokes","Unibet","Bet Victor","10 Bet","Betway","Star Sports","Quinn Bet","888 Sport","Tote",
  "Matchbook","Spreadex","BetUK","Bet Goodwin","Midnite","Kwiff","Parimatch","Betfair Exchange"];

// deno-fmt-ignore
export const SPONSORS = ["Sky Bet","Bet365","William Hill","Coral","Ladbrokes","Betfred","Paddy Power","Unibet","BetMGM",
  "Racing TV","Sky Sports Racing","BetVictor","Boyle Sports","Virgin Bet","Quinnbet","Star Sports","talkSPORT BET",
  "Irish Stallion Farms","Tote","At The Races","British Stallion Studs","Follow @AtTheRaces On X","Download The Racing Post App",
  "Watch Racing TV Now","Every Race Live On Racing TV","Injured Jockeys Fund","EBF","Weatherbys","Jockey Club Live"];

// deno-fmt-ignore
export const TITLE_WORDS = ["Handicap","Memorial","Trophy","Cup","Challenge","Silver","Gold","Autumn","Spring","Summer","Winter","Festival","Novice Series","Classic","Derby Trial","Family Day","Ladies Day","Raceday","Sprint","Mile"];

// In-running comment fragments (results).
// deno-fmt-ignore
export const CMT_START = ["Held up in rear","Led","Prominent","In touch with leaders","Towards rear","Midfield","Slowly away","Took keen hold","Tracked leaders","Chased leaders","Raced wide","Pressed leader","Dwelt","Always behind","Led early"];
// deno-fmt-ignore
export const CMT_MID = ["headway over 2f out","pushed along over 3f out","ridden over 1f out","switched right over 1f out","not clear run 2f out","headway from 3 out","mistake 2 out","outpaced over 2f out","weakened from over 1f out","edged left inside final furlong","soon headed","went prominent after 3f","lost place over 3f out"];
// deno-fmt-ignore
export const CMT_WIN = ["led over 1f out - ran on well inside final furlong","led inside final furlong - kept on well","kept on well inside final furlong","ran on to lead close home","quickened clear inside final furlong"];
// deno-fmt-ignore
export const CMT_PLACE = ["kept on but no extra inside final furlong","kept on inside final furlong","no impression inside final furlong","ran on inside final furlong","one pace final furlong"];
// deno-fmt-ignore
export const CMT_LOSE = ["weakened from over 1f out","no impression","never on terms","soon beaten","weakened over 2f out","always behind"];

// deno-fmt-ignore
export const NR_REASONS = ["self certificate","unsuitable ground","self certificate, coughing","vet's certificate, lame","travel problems","withdrawn","self certificate, off feed","self certificate, off colour","vet's certificate, abscess",""];

// deno-fmt-ignore
export const SPOTLIGHT = ["Ran well last time and this looks a good opportunity","Needs to bounce back after a below-par run","Has plenty to find on ratings but is open to improvement","Consistent sort who should go well again","Stable in good form and has been freshened up","Makes debut for a yard whose runners often need the run","Yet to win but has been knocking on the door","Back down in grade and not one to dismiss","Has been well held since winning and needs more","Handles the ground and the trip shouldn't be a problem"];

// deno-fmt-ignore
export const TRAINER_TOWNS = ["Lambourn, Berks","Newmarket, Suffolk","Malton, N Yorks","Epsom, Surrey","Upper Lambourn, Berks","Ditcheat, Somerset","Cheltenham, Glos","Middleham, N Yorks","Kingsclere, Hants","Hambleton, N Yorks","Naunton, Glos","Brompton Regis, Somerset","Penrith, Cumbria","Kelso, Borders","Marlborough, Wilts","Telscombe, E Sussex","Carrigtwohill, Co. Cork","Closutton, Co. Carlow","Cullentra, Co. Meath","Ballydoyle, Co. Tipperary","The Curragh, Co. Kildare","Ballysax, Co. Kildare","Lisronagh, Co. Tipperary","Kilcullen, Co. Kildare","Chantilly, France"];
