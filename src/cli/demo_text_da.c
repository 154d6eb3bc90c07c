/* The demo in Danish: Lindholm Data and its customers Kystbanken and
 * Sundhedshuset. */
#include "cli/demo_text.h"

const struct demo_text demo_text_da = {
	.company = "Lindholm Data",
	.customers = {"Kystbanken", "Sundhedshuset"},
	.people = {
		"Ada Andersen", "Maria Nielsen", "Jonas Kristensen", "Priya Raman",
		"Erik Mortensen", "Sofia Madsen", "Ahmed Haddad", "Lena Pedersen",
		"Tomas Sørensen", "Mei Chen", "Oskar Rasmussen", "Nora Larsen",
		"Kwame Mensah", "Ines Thomsen", "Clara Jørgensen", "Viktor Poulsen",
		"Hanna Christensen", "David Østergaard",
	},
	.round = {"Strategi 2027: vi vokser sammen med vores kunder",
		  "Ledelsen har udarbejdet fire planer for 2027. Læs dem, pil dem fra "
		  "hinanden, og kom med jeres egne idéer. De bedste idéer bliver vores "
		  "prioriteter for næste år, hver med en navngiven ejer."},
	.plans = {
		{"Kundesucces: fra sager til resultater",
		 "## Hvor vi står\n\nVores support måler **antal lukkede sager**, ikke hvad "
		 "kunderne rent faktisk får ud af os. Fornyelsesraten blandt de "
		 "mellemstore kunder faldt fra 91 % til 86 % sidste år.\n\n## Planen\n\n"
		 "1. Hver af de 200 største kunder får en navngiven kundeansvarlig.\n"
		 "2. Vi erstatter målene for lukkede sager med *tid til værdi* og "
		 "risikoen for, at kunden ikke fornyer.\n3. Vi gennemgår resultaterne "
		 "med hver kunde hvert kvartal.\n\n## Hvad jeg har brug for fra jer\n\n"
		 "Fortæl mig, hvor det her knækker i jeres hverdag, og hvilke kunder vi "
		 "mister først, hvis vi gør det forkert."},
		{"Platform: ét datalag inden 2027",
		 "Vi har **fire** kundedatabaser, som ikke er enige med hinanden. Planen "
		 "samler dem i ét datalag over seks kvartaler.\n\n"
		 "- Første halvår: stop for nye integrationer mod de gamle databaser\n"
		 "- Andet halvår: vi flytter fakturering og support\n"
		 "- 2027: vi lukker de sidste to\n\n"
		 "Risici: migreringstræthed, og at rapporteringsteamet er afhængigt af det "
		 "gamle datavarehus og leverandøren bag det. Kritik er velkommen, især "
		 "fra rapporteringsteamet."},
		{"Vækst i Norden gennem partnere",
		 "Direkte salg i Norge og Sverige koster os 2,3 gange så meget som i "
		 "Danmark. Jeg foreslår, at vi sælger gennem **tre regionale partnere** "
		 "og flytter vores egne folk over til at uddanne og støtte partnerne.\n\n"
		 "> De ti største kunder beholder vi selv.\n\n"
		 "Hvad ville vores kunder sige? Hvad siger I?"},
		{"Gør hybridarbejde til et bevidst valg",
		 "I dag bestemmer hvert team selv, hvilke dage de er på kontoret. Jeg "
		 "foreslår to faste fællesdage om ugen for alle, og at teamene bestemmer "
		 "resten. Fortæl mig, hvad det gør ved jeres arbejde, både godt og skidt."},
	},
	.ideas = {
		{"Én fælles tidslinje for hver kunde",
		 "Salg, support og fakturering ser hver sin bid. Én tidslinje pr. kunde, "
		 "som alle, der taler med kunden, kan læse, ville betyde, at vi holder op "
		 "med at stille kunderne det samme spørgsmål tre gange."},
		{"Tag supportmedarbejderne med til fornyelsesmøderne",
		 "Dem, der reddede kundens værste uge, sidder sjældent med, når kunden "
		 "beslutter sig for at forny. Inviter dem."},
		{"Læg alle interne møder tirsdag og torsdag",
		 "Beskyt tre dage til fordybelse. Ellers breder møderne sig ud over hele "
		 "ugen."},
		{"Del vores køreplan med kunderne",
		 "En offentlig køreplan med ærlige datoer og en liste over *det gør vi "
		 "ikke* ville spare sælgerne for ugevis af frem og tilbage."},
		{"En fadder til hver ny kunde",
		 "Sæt hver ny kunde sammen med én udvikler i de første 90 dage. Billigt, "
		 "menneskeligt, og det kan ses på fornyelserne."},
		{"Luk den gamle rapportportal",
		 "Halvdelen af kunderne logger aldrig ind, og den anden halvdel "
		 "eksporterer til Excel på første skærmbillede. Giv dem en ren "
		 "CSV-eksport, og lad os komme videre."},
		{"Forsøg med firedagesuge i ét team",
		 "Et halvt års forsøg i ét team med klare mål, og så beslutter vi os."},
		{"Ret fakturaen før alt andet",
		 "Fakturaen er den hyppigste grund til, at kunderne ringer til os. En "
		 "forståelig faktura er en strategisk beslutning, ikke en administrativ "
		 "opgave."},
		{"Et kunderåd med reel magt",
		 "To gange om året får et råd af kunder lov til at nedlægge veto mod ét "
		 "punkt på køreplanen. Det tvinger os til at forklare os."},
		{"Certificer partnerne, før de må sælge",
		 "Hvis vi går gennem partnere i Norge og Sverige, skal de certificeres "
		 "først: en dårlig partner koster os kunden, ikke dem."},
		{"Fælles login (SSO) til alle vores produkter",
		 "Kunderne logger ind fire gange om dagen. Én konto, ét login."},
		{"Erstat intranettet med det her forum",
		 "Halvt for sjov. Halvt."},
		{"Mål tid til første værdi, ikke tid til underskrift",
		 "En aftale, der aldrig giver kunden værdi, er en tabt kunde om et år. "
		 "Mål det første reelle resultat efter underskriften."},
		{"Åben træffetid hos produktteamet",
		 "Én time om ugen, hvor alle, medarbejdere som kunder, kan komme til "
		 "produktcheferne med et problem."},
		{"Oversæt produktet til norsk og svensk",
		 "Partnerne vil spørge efter det fra første dag."},
		{"Fællesdage: gør dem til teamdage, ikke kontordage",
		 "Hvis vi alle skal møde ind, så lad det være for arbejde, vi laver "
		 "sammen, ikke for de samme videomøder fra et andet skrivebord."},
		{"Giv hver kunde en sundhedsscore, som alle kan se",
		 "Brug af produktet, åbne sager, forfaldne fakturaer, seneste kontakt "
		 "med ledelsen: ét tal og begrundelserne bag, på hver kundeside."},
		{"Hackeuge for interne værktøjer hvert kvartal",
		 "Vores egne værktøjer er den dårligste software, vi leverer. Én uge i "
		 "kvartalet til at rette dem."},
		{"Uddan partnerne i vores supportværktøjer, før de sælger",
		 "Partnere, der kan oprette og følge en sag, er partnere, kunderne "
		 "stoler på."},
		{"Giv svar på al feedback fra kunderne",
		 "Fortæl kunderne, hvad der skete med deres forslag, også når svaret er "
		 "nej."},
		{"En fælles ordliste for salg, support og produkt",
		 "Vi bruger »konto«, »tenant« og »kunde« om tre forskellige ting i tre "
		 "afdelinger."},
		{"Gennemgå fornyelsesrisikoen hver måned, ikke hvert kvartal",
		 "Når kvartalsgennemgangen markerer en kunde, har kunden som regel "
		 "allerede besluttet sig."},
		{"Flyt fællesmødet til torsdag eftermiddag",
		 "Mandag morgen er til kunderne."},
		{"Dokumentér alle integrationer, vi understøtter, offentligt",
		 "Halvdelen af vores supportsager handler om integrationer med systemer "
		 "fra andre leverandører, som vi aldrig har skrevet ned."},
		{"Ét login til alle vores produkter",
		 "Fire adgangskoder om dagen er tre for mange. Den samme konto overalt."},
	},
	.comments = {
		{"Det her ville have sparet mig for to eskaleringer i sidste måned.",
		 "Enig. Men hvem ejer tidslinjen? Hvis ingen gør det, forfalder den.",
		 "De kundeansvarlige kunne eje den, som i planen om kundesucces."},
		{"Ja. Kunderne stoler på den, der løste deres problem.",
		 "Vi prøvede det i 2022. Det virkede, indtil kalenderne blev fyldt op."},
		{"Fordybelse er vigtigt, men kunderne ringer også om mandagen."},
		{"Ærlige datoer er det svære. Har vi dem?",
		 "Så udgiv et interval. Kunder vil hellere have et interval end en "
		 "overraskelse."},
	},
	.chats = {
		"Velkommen til Strategi 2027! Planerne er lagt op, og vi tager imod "
		"idéer resten af måneden.",
		"Dækker planen for datalaget også supportværktøjet?",
		"Ja, support er med i andet halvår.",
		"Fakturaidéen får mange stemmer. Godt.",
		"Jeg tager de bedste idéer med til ledelsesseminaret om tre uger.",
		"Tak, fordi I åbner op. Første gang, jeg har læst planerne, før de var "
		"færdige.",
	},
	.priorities = {
		{"Ét samlet billede af hver kunde",
		 "Én tidslinje, én sundhedsscore og én faktura, som alle forstår, for "
		 "hver kunde."},
		{"Resultater frem for sager",
		 "Mål, hvad kunderne får ud af os, og tag dem, der løste kundernes "
		 "problemer, med ind i rummet."},
	},
	.goals = {
		"Ved udgangen af 2027 har hver kunde **én** fælles tidslinje og en "
		"sundhedsscore, som salg, support og fakturering læser.",
		"Fornyelsesraten blandt de mellemstore kunder er tilbage på **91 %**, "
		"og kunderne ser deres første reelle resultat inden for 30 dage efter "
		"underskriften.",
	},
	.measures = {
		{"Kunder med fælles tidslinje", "%"},
		{"Fornyelsesrate, mellemstore kunder", "%"},
	},
	.measure2 = {"Mediantid til første værdi", "dage"},
	.milestones = {
		"Pilot af tidslinjen med ti kunder",
		"Sundhedsscore på hver kundeside",
	},
	.update = "Fornyelserne faldt igen i dette kvartal, til 84 %, mest blandt "
		  "kunder, der endnu ikke havde fået en kundeansvarlig. Tiden til "
		  "første værdi bliver kortere. **Næste skridt:** supportteknikerne "
		  "deltager i alle fornyelsesmøder i andet kvartal, og vi gennemgår de "
		  "tyve mest udsatte kunder hver måned.",
	.update_comment = "Kan supporten se fornyelsesdatoerne i deres kø? Ellers hører "
			  "vi om møderne for sent.",
	.needs = {
		{"Kunderne skal ikke gentage sig selv",
		 "Kunderne fortæller os det samme i salg, support og fakturering. Alle "
		 "disse idéer beder om ét fælles billede af kunden."},
		{"Kunderne vil se, at vi lytter",
		 "Køreplan, kunderåd, tilbagemeldinger: kunderne vil se, hvad der "
		 "bliver af det, de fortæller os."},
	},
	.revision = "## Ændret efter jeres kommentarer\n\nVi måler nu risikoen for, at "
		    "kunden ikke fornyer, **hver måned**, ikke hvert kvartal, og "
		    "supportteknikerne deltager i fornyelsesmøderne for de udsatte "
		    "kunder.",
	.anchor_quote = "Fornyelsesraten blandt de mellemstore kunder faldt fra 91 % til "
			"86 % sidste år.",
	.anchored_comment = "De fleste kunder, vi mistede, havde slet ingen fast "
			    "kontaktperson. Kan vi begynde med dem, når vi indfører "
			    "kundeansvarlige?",
	.innovation = {"Innovationsrunde: fremtidens kundeservice",
		       "Vi har inviteret kunder fra Kystbanken og Sundhedshuset til at "
		       "fortælle os, hvad vores kundeservice skal kunne gøre for dem om "
		       "tre år. Fortæl os om problemet bag ønsket: det er det, vi bygger "
		       "til. Hvert medlem har 10 prikker at fordele."},
	.cideas = {
		{"Sig til, før vi opdager det",
		 "Når noget går ned hos jer, vil vi høre det fra jer først, med et skøn, "
		 "ikke fra vores egne kunder."},
		{"Ét sted til alle vores sager",
		 "Vores teams opretter sager via mail, telefon og portalen. Vi mister "
		 "overblikket. Én liste, uanset kanal."},
		{"Svar på tysk",
		 "Vores filialer i Sønderjylland har mange tysktalende medarbejdere. "
		 "Selv en god maskinoversættelse af vidensbasen ville hjælpe."},
		{"Lad vores administratorer klare det simple selv",
		 "Nye adgangskoder og nye brugere burde ikke kræve en sag hos jer."},
		{"Statusside pr. kunde",
		 "En statusside, der viser, hvad der rammer *netop denne* kunde, ikke "
		 "hele platformen."},
	},
	.ccomments = {
		"Hvad er et godt skøn for jer: en time, en dag?",
		"Inden for en time, også selvom det er forkert. Tavshed er værre end et "
		"dårligt skøn.",
	},
};
