/* The demo in Norwegian (bokmål): Fjordvik Systemer and its customers
 * Fjellsparebanken and Kysthelse. */
#include "cli/demo_text.h"

const struct demo_text demo_text_nb = {
	.company = "Fjordvik Systemer",
	.customers = {"Fjellsparebanken", "Kysthelse"},
	.people = {
		"Ada Amundsen", "Maria Hansen", "Jonas Bakke", "Priya Raman",
		"Erik Solberg", "Sofia Lie", "Ahmed Haddad", "Lena Moen",
		"Tomas Strand", "Mei Chen", "Oskar Dahl", "Nora Haugen",
		"Kwame Mensah", "Ines Vik", "Clara Johansen", "Viktor Lunde",
		"Hanna Eide", "David Nilsen",
	},
	.round = {"Strategi 2027: vi vokser sammen med kundene",
		  "Ledergruppen har skissert fire planer for 2027. Les dem, plukk dem "
		  "fra hverandre og kom med egne ideer. De beste ideene blir neste års "
		  "prioriteringer, hver med en navngitt eier."},
	.plans = {
		{"Kundesuksess: fra saker til resultater",
		 "## Hvor vi står\n\nKundestøtten vår måler **antall lukkede saker**, ikke "
		 "hva kundene faktisk får ut av oss. Fornyelsesraten blant de mellomstore "
		 "kundene falt fra 91 % til 86 % i fjor.\n\n## Planen\n\n1. Hver av de 200 "
		 "største kundene får en fast kundeansvarlig.\n2. Vi bytter ut målene for "
		 "lukkede saker med *tid til verdi* og risikoen for at kunden ikke "
		 "fornyer.\n3. Vi går gjennom resultatene med hver kunde hvert kvartal.\n\n"
		 "## Hva jeg trenger fra dere\n\nSi fra hvor dette ryker i hverdagen deres, "
		 "og hvilke kunder vi mister først hvis vi gjør det feil."},
		{"Plattform: ett datalag innen 2027",
		 "Vi har **fire** kundedatabaser som ikke er enige med hverandre. Denne "
		 "planen slår dem sammen til ett datalag over seks kvartaler.\n\n"
		 "- Første halvår: stopp for nye integrasjoner mot de gamle databasene\n"
		 "- Andre halvår: vi flytter fakturering og kundestøtte\n"
		 "- 2027: vi legger ned de to siste\n\n"
		 "Risiko: migreringstretthet, og at rapporteringsteamet er avhengig av det "
		 "gamle datavarehuset og leverandøren bak det. Kritikk er velkommen, "
		 "særlig fra rapporteringsteamet."},
		{"Vekst i Norden gjennom partnere",
		 "Direktesalg i Sverige og Danmark koster oss 2,3 ganger så mye som i "
		 "Norge. Jeg foreslår at vi selger gjennom **tre regionale partnere** og "
		 "flytter våre egne folk over til å lære opp og støtte partnerne.\n\n"
		 "> De ti største kundene beholder vi selv.\n\n"
		 "Hva ville kundene våre sagt? Hva sier dere?"},
		{"La hybridarbeid være et bevisst valg",
		 "I dag bestemmer hvert team selv hvilke dager de er på kontoret. Jeg "
		 "foreslår to faste fellesdager i uken for alle, og at teamene bestemmer "
		 "resten. Si fra hva dette gjør med arbeidsdagen deres, både det gode og "
		 "det dårlige."},
	},
	.ideas = {
		{"Én felles tidslinje for hver kunde",
		 "Salg, kundestøtte og fakturering ser hver sin bit. Én tidslinje per "
		 "kunde, som alle som snakker med kunden kan lese, ville gjort at vi "
		 "slutter å stille kundene det samme spørsmålet tre ganger."},
		{"Ta med kundestøtte i fornyelsesmøtene",
		 "De som reddet kundens verste uke, sitter sjelden i rommet når kunden "
		 "bestemmer seg for å fornye. Inviter dem."},
		{"Legg alle interne møter til tirsdag og torsdag",
		 "Skjerm tre dager til konsentrert arbeid. Ellers sprer møtene seg utover "
		 "hele uken."},
		{"Publiser veikartet vårt for kundene",
		 "Et åpent veikart, med ærlige datoer og en liste over *dette gjør vi "
		 "ikke*, ville spart selgerne for ukevis med fram og tilbake."},
		{"En fadder for hver nye kunde",
		 "Gi hver nye kunde én fast utvikler de første 90 dagene. Billig, "
		 "menneskelig, og det synes på fornyelsene."},
		{"Legg ned den gamle rapportportalen",
		 "Halvparten av kundene logger aldri inn, og den andre halvparten "
		 "eksporterer til Excel på første skjermbilde. Gi dem en ryddig "
		 "CSV-eksport og gå videre."},
		{"Prøv firedagersuke i ett team",
		 "Et halvt års forsøk i ett team, med tydelige mål, og så bestemmer vi oss."},
		{"Rydd opp i fakturaen før alt annet",
		 "Fakturaen er den vanligste grunnen til at kundene ringer oss. En "
		 "forståelig faktura er en strategisk beslutning, ikke en administrativ "
		 "oppgave."},
		{"Et kunderåd med ekte makt",
		 "To ganger i året får et råd av kunder legge ned veto mot én sak på "
		 "veikartet. Da må vi forklare oss."},
		{"Sertifiser partnerne før de får selge",
		 "Går vi via partnere i Sverige og Danmark, må de sertifiseres først: en "
		 "dårlig partner koster oss kunden, ikke dem."},
		{"Felles innlogging (SSO) for alle produktene våre",
		 "Kundene logger inn fire ganger om dagen. Én konto, én innlogging."},
		{"Erstatt intranettet med dette forumet",
		 "Halvt på spøk. Halvt."},
		{"Mål tid til første verdi, ikke tid til signert avtale",
		 "En avtale som aldri gir kunden verdi, er en tapt kunde om et år. Mål "
		 "det første reelle resultatet etter signering."},
		{"Åpen kontortid med produktteamet",
		 "Én time i uken der hvem som helst, ansatt eller kunde, kan komme til "
		 "produktsjefene med et problem."},
		{"Oversett produktet til svensk og dansk",
		 "Partnerne kommer til å spørre etter det første dag."},
		{"Fellesdager: gjør dem til teamdager, ikke kontordager",
		 "Skal alle møte opp, må det være for arbeid vi gjør sammen, ikke for de "
		 "samme videomøtene fra en annen pult."},
		{"Gi hver kunde en helsescore som alle kan se",
		 "Bruk, åpne saker, forfalte fakturaer, siste kontakt med ledelsen: ett "
		 "tall og grunnene bak, på hver kundeside."},
		{"Hackeuke for interne verktøy hvert kvartal",
		 "Våre egne verktøy er den dårligste programvaren vi leverer. Én uke i "
		 "kvartalet til å fikse dem."},
		{"Lær opp partnerne i støtteverktøyene våre før de selger",
		 "Partnere som kan opprette og følge opp en sak, er partnere kundene "
		 "stoler på."},
		{"Gi svar på alle tilbakemeldinger fra kundene",
		 "Fortell kundene hva som skjedde med forslagene deres, også når svaret "
		 "er nei."},
		{"Felles ordliste for salg, kundestøtte og produkt",
		 "Vi bruker «konto», «tenant» og «kunde» om tre forskjellige ting i tre "
		 "avdelinger."},
		{"Gå gjennom fornyelsesrisikoen hver måned, ikke hvert kvartal",
		 "Når kvartalsgjennomgangen flagger en kunde, har kunden som regel "
		 "allerede bestemt seg."},
		{"Flytt allmøtet til torsdag ettermiddag",
		 "Mandag morgen er for kundene."},
		{"Dokumenter alle integrasjoner vi støtter, åpent",
		 "Halvparten av kundesakene gjelder integrasjoner mot systemer fra andre "
		 "leverandører som vi aldri har skrevet ned."},
		{"Én innlogging for alle produktene våre",
		 "Fire passord om dagen er tre for mange. Samme konto overalt."},
	},
	.comments = {
		{"Dette ville spart meg for to eskaleringer forrige måned.",
		 "Enig. Men hvem eier tidslinjen? Hvis ingen gjør det, forfaller den.",
		 "De kundeansvarlige kan eie den, slik som i planen om kundesuksess."},
		{"Ja. Kundene stoler på den som løste problemet deres.",
		 "Vi prøvde dette i 2022. Det fungerte helt til kalenderne ble fulle."},
		{"Konsentrert arbeid er viktig, men kundene ringer på mandager også."},
		{"Ærlige datoer er det vanskelige. Har vi dem?",
		 "Da publiserer vi et tidsrom. Kundene vil heller ha et tidsrom enn en "
		 "overraskelse."},
	},
	.chats = {
		"Velkommen til Strategi 2027! Planene er lagt ut, og vi tar imot ideer "
		"ut måneden.",
		"Dekker planen for datalaget også kundestøtteverktøyet?",
		"Ja, kundestøtte er med i andre halvår.",
		"Fakturaideen får mange stemmer. Bra.",
		"Jeg tar med de beste ideene til ledersamlingen om tre uker.",
		"Takk for at dere åpner opp. Første gang jeg har lest planene før de "
		"var ferdige.",
	},
	.priorities = {
		{"Ett samlet bilde av hver kunde",
		 "Én tidslinje, én helsescore og én faktura alle forstår, for hver kunde."},
		{"Resultater, ikke saksmengde",
		 "Mål hva kundene får ut av oss, og ta med dem som løste problemene "
		 "deres inn i rommet."},
	},
	.goals = {
		"Innen utgangen av 2027 har hver kunde **én** felles tidslinje og en "
		"helsescore som salg, kundestøtte og fakturering leser.",
		"Fornyelsesraten blant de mellomstore kundene er tilbake på **91 %**, "
		"og kundene ser sitt første reelle resultat innen 30 dager etter "
		"signering.",
	},
	.measures = {
		{"Kunder med felles tidslinje", "%"},
		{"Fornyelsesrate, mellomstore kunder", "%"},
	},
	.measure2 = {"Median tid til første verdi", "dager"},
	.milestones = {
		"Pilot av tidslinjen med ti kunder",
		"Helsescore på hver kundeside",
	},
	.update = "Fornyelsene falt igjen dette kvartalet, til 84 %, mest blant kunder "
		  "som ennå ikke hadde fått en kundeansvarlig. Tiden til første verdi "
		  "blir kortere. **Neste steg:** kundestøtteingeniører blir med på alle "
		  "fornyelsesmøter i andre kvartal, og vi går gjennom de tjue mest "
		  "utsatte kundene hver måned.",
	.update_comment = "Kan kundestøtten se fornyelsesdatoene i køen sin? Ellers "
			  "hører vi om møtene for sent.",
	.needs = {
		{"Kundene skal slippe å gjenta seg selv",
		 "Kundene forteller oss det samme i salg, kundestøtte og fakturering. "
		 "Alle disse ideene ber om ett felles bilde av kunden."},
		{"Kundene vil se at vi lytter",
		 "Veikart, kunderåd, tilbakemeldinger: kundene vil se hva som blir av "
		 "det de forteller oss."},
	},
	.revision = "## Endret etter kommentarene deres\n\nVi måler nå risikoen for at "
		    "kunden ikke fornyer **hver måned**, ikke hvert kvartal, og "
		    "kundestøtteingeniører blir med på fornyelsesmøtene for de utsatte "
		    "kundene.",
	.anchor_quote = "Fornyelsesraten blant de mellomstore kundene falt fra 91 % til "
			"86 % i fjor.",
	.anchored_comment = "De fleste kundene vi mistet, hadde ingen fast kontaktperson "
			    "i det hele tatt. Kan vi begynne med dem når vi innfører "
			    "kundeansvarlige?",
	.innovation = {"Innovasjonsrunde: fremtidens kundeservice",
		       "Vi har invitert kunder fra Fjellsparebanken og Kysthelse til å "
		       "fortelle oss hva kundeservicen vår bør gjøre for dem om tre år. "
		       "Fortell oss om problemet bak ønsket: det er det vi bygger for. "
		       "Hvert medlem har 10 prikker å fordele."},
	.cideas = {
		{"Si fra før vi merker det",
		 "Når noe ryker hos dere, vil vi høre det fra dere først, med et anslag, "
		 "ikke fra våre egne kunder."},
		{"Ett sted for alle sakene våre",
		 "Teamene våre melder saker på e-post, telefon og i portalen. Vi mister "
		 "oversikten. Én liste, uansett kanal."},
		{"Kunnskapsbasen på nynorsk",
		 "Mange av rådgiverne på filialene våre på Vestlandet skriver nynorsk. "
		 "Selv en god maskinoversettelse av kunnskapsbasen ville hjulpet."},
		{"La administratorene våre fikse det enkle selv",
		 "Nye passord og nye brukere burde ikke kreve en sak hos dere."},
		{"Statusside per kunde",
		 "En statusside som viser det som rammer *denne* kunden, ikke hele "
		 "plattformen."},
	},
	.ccomments = {
		"Hva er et godt anslag for dere: en time, en dag?",
		"Innen en time, selv om det er feil. Stillhet er verre enn et dårlig "
		"anslag.",
	},
};
