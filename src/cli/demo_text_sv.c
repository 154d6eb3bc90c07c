/* The demo in Swedish: Norrvik System and its customers Skärgårdsbanken
 * and Vårdkedjan. */
#include "cli/demo_text.h"

const struct demo_text demo_text_sv = {
	.company = "Norrvik System",
	.customers = {"Skärgårdsbanken", "Vårdkedjan"},
	.people = {
		"Ada Åberg", "Maria Lindqvist", "Jonas Bergström", "Priya Raman",
		"Erik Nyström", "Sofia Ek", "Ahmed Haddad", "Lena Sjöberg",
		"Tomas Holm", "Mei Chen", "Oskar Lund", "Nora Wallin",
		"Kwame Mensah", "Ines Forsberg", "Clara Engström", "Viktor Sandberg",
		"Hanna Svensson", "David Lindgren",
	},
	.round = {"Strategi 2027: vi växer tillsammans med våra kunder",
		  "Ledningsgruppen har tagit fram fyra planer för 2027. Läs dem, "
		  "granska dem kritiskt och kom med egna idéer. De bästa idéerna blir "
		  "nästa års prioriteringar, var och en med en namngiven ägare."},
	.plans = {
		{"Kundframgång: från ärenden till resultat",
		 "## Var vi står\n\nVår supportorganisation mäter **antal stängda "
		 "ärenden**, inte vad kunderna faktiskt får ut av oss. Förnyelsegraden "
		 "bland de medelstora kunderna sjönk från 91 % till 86 % förra året.\n\n"
		 "## Planen\n\n1. Varje kund bland de 200 största får en namngiven "
		 "kundansvarig.\n2. Vi ersätter ärendemålen med *tid till värde* och "
		 "risken att kunden inte förnyar.\n3. Vi går igenom resultaten med varje "
		 "kund en gång i kvartalet.\n\n## Vad jag behöver av er\n\nBerätta var "
		 "det här spricker i ert dagliga arbete, och vilka kunder vi förlorar "
		 "först om vi gör fel."},
		{"Plattform: ett datalager till 2027",
		 "Vi har **fyra** kunddatabaser som inte stämmer överens med varandra. "
		 "Den här planen slår ihop dem till ett gemensamt datalager under sex "
		 "kvartal.\n\n"
		 "- Första halvåret: stopp för nya integrationer mot de gamla databaserna\n"
		 "- Andra halvåret: vi flyttar fakturering och support\n"
		 "- 2027: vi avvecklar de två sista\n\n"
		 "Risker: migreringströtthet, och att rapportteamet är beroende av det "
		 "gamla datavaruhuset och leverantören bakom det. Kritik välkomnas, "
		 "särskilt från rapportteamet."},
		{"Väx i Norden genom partner",
		 "Direktförsäljningen i Finland och Danmark kostar oss 2,3 gånger så "
		 "mycket som i Sverige. Jag föreslår att vi säljer genom **tre regionala "
		 "partner** och låter våra egna säljare utbilda och stötta partnerna "
		 "i stället.\n\n> De tio största kunderna behåller vi själva.\n\n"
		 "Vad skulle våra kunder säga? Vad säger ni?"},
		{"Gör hybridarbetet till ett medvetet val",
		 "I dag bestämmer varje team själv vilka dagar de är på kontoret. Jag "
		 "föreslår två gemensamma kontorsdagar i veckan för alla, och att teamen "
		 "bestämmer resten. Berätta vad det här gör med ert arbete, på gott och "
		 "ont."},
	},
	.ideas = {
		{"En gemensam tidslinje för varje kund",
		 "Sälj, support och fakturering ser var sin bit. En tidslinje per kund, "
		 "som alla som pratar med kunden kan läsa, skulle göra att vi slutar "
		 "ställa samma fråga till kunderna tre gånger."},
		{"Låt supportteknikerna vara med på förnyelsemötena",
		 "De som räddade kundens värsta vecka sitter sällan med när kunden "
		 "bestämmer sig för att förnya. Bjud in dem."},
		{"Lägg alla interna möten på tisdagar och torsdagar",
		 "Skydda tre dagar för fokuserat arbete. Annars breder mötena ut sig "
		 "över hela veckan."},
		{"Publicera vår färdplan för kunderna",
		 "En öppen färdplan, med ärliga datum och en lista över *det här gör vi "
		 "inte*, skulle spara säljarna veckor av fram och tillbaka."},
		{"En fadder för varje ny kund",
		 "Para ihop varje ny kund med en utvecklare under de första 90 dagarna. "
		 "Billigt, mänskligt, och det syns i förnyelserna."},
		{"Avveckla den gamla rapportportalen",
		 "Hälften av kunderna loggar aldrig in, och andra hälften exporterar till "
		 "Excel på första skärmen. Ge dem en ren CSV-export och gå vidare."},
		{"Testa fyradagarsvecka i ett team",
		 "Ett halvårs pilot i ett team med tydliga mått, sedan bestämmer vi oss."},
		{"Fixa fakturan före allt annat",
		 "Fakturan är det vanligaste skälet till att kunderna ringer oss. En "
		 "begriplig faktura är ett strategiskt beslut, inte en administrativ "
		 "uppgift."},
		{"Ett kundråd med verklig makt",
		 "Två gånger om året får ett råd av kunder lägga in veto mot en punkt på "
		 "färdplanen. Det tvingar oss att förklara oss."},
		{"Certifiera partnerna innan de får sälja",
		 "Om vi går via partner i Finland och Danmark måste de certifieras först: "
		 "en dålig partner kostar oss kunden, inte dem."},
		{"Enkel inloggning (SSO) för alla våra produkter",
		 "Kunderna loggar in fyra gånger om dagen. Ett konto, en inloggning."},
		{"Ersätt intranätet med det här forumet",
		 "Halvt på skämt. Halvt."},
		{"Mät tid till första värde, inte tid till affär",
		 "En affär som aldrig ger kunden något värde är en förlorad kund om ett "
		 "år. Mät det första verkliga resultatet efter att avtalet är påskrivet."},
		{"Öppen mottagning hos produktteamet",
		 "En timme i veckan då vem som helst, anställd eller kund, kan ta med "
		 "ett problem till produktcheferna."},
		{"Översätt produkten till finska och danska",
		 "Partnerna kommer att fråga efter det första dagen."},
		{"Kontorsdagar: gör dem till teamdagar",
		 "Om alla ska komma in, låt det vara för arbete vi gör tillsammans, inte "
		 "för samma videomöten från ett annat skrivbord."},
		{"Ge varje kund ett hälsotal som alla kan se",
		 "Användning, öppna ärenden, förfallna fakturor, senaste kontakt med "
		 "ledningen: ett tal och skälen bakom det, på varje kundsida."},
		{"Hackvecka för interna verktyg varje kvartal",
		 "Våra egna verktyg är den sämsta programvaran vi levererar. En vecka "
		 "per kvartal för att laga dem."},
		{"Utbilda partnerna i våra supportverktyg innan de säljer",
		 "Partner som kan öppna och följa ett ärende är partner som kunderna "
		 "litar på."},
		{"Återkoppla på varje synpunkt från kunderna",
		 "Berätta för kunderna vad som hände med deras förslag, även när svaret "
		 "är nej."},
		{"En gemensam ordlista för sälj, support och produkt",
		 "Vi använder ”konto”, ”tenant” och ”kund” om tre olika saker på tre "
		 "avdelningar."},
		{"Gå igenom förnyelserisken varje månad, inte varje kvartal",
		 "När kvartalsgenomgången flaggar en kund har kunden oftast redan "
		 "bestämt sig."},
		{"Flytta personalmötet till torsdag eftermiddag",
		 "Måndagsmorgnar är till för kunderna."},
		{"Dokumentera alla integrationer vi stöder, öppet",
		 "Hälften av supportärendena gäller integrationer mot system från andra "
		 "leverantörer som vi aldrig har skrivit ner."},
		{"En inloggning för alla våra produkter",
		 "Fyra lösenord om dagen är tre för många. Samma konto överallt."},
	},
	.comments = {
		{"Det här hade besparat mig två eskaleringar förra månaden.",
		 "Håller med. Men vem äger tidslinjen? Om ingen gör det förfaller den.",
		 "De kundansvariga kunde äga den, som i planen för kundframgång."},
		{"Ja. Kunderna litar på den som löste deras problem.",
		 "Vi testade det 2022. Det fungerade tills kalendrarna blev fulla."},
		{"Fokustid är viktigt, men kunderna ringer på måndagar också."},
		{"Ärliga datum är det svåra. Har vi några?",
		 "Publicera ett intervall då. Kunder föredrar intervall framför "
		 "överraskningar."},
	},
	.chats = {
		"Välkomna till Strategi 2027! Planerna är uppe, och idéer tar vi emot "
		"månaden ut.",
		"Täcker datalagerplanen också supportverktyget?",
		"Ja, supporten ingår i andra halvåret.",
		"Fakturaidén får många röster. Bra.",
		"Jag tar med de bästa idéerna till ledningens konferens om tre veckor.",
		"Tack för att ni öppnar upp. Första gången jag har läst planerna innan "
		"de var klara.",
	},
	.priorities = {
		{"En samlad bild av varje kund",
		 "En tidslinje, ett hälsotal och en faktura som alla förstår, för varje "
		 "kund."},
		{"Resultat före ärenden",
		 "Mät vad kunderna får ut av oss, och ta in dem som löste kundernas "
		 "problem i rummet."},
	},
	.goals = {
		"Vid utgången av 2027 har varje kund **en** gemensam tidslinje och ett "
		"hälsotal som sälj, support och fakturering läser.",
		"Förnyelsegraden bland de medelstora kunderna är tillbaka på **91 %**, "
		"och kunderna ser sitt första verkliga resultat inom 30 dagar efter "
		"avtalet.",
	},
	.measures = {
		{"Kunder med gemensam tidslinje", "%"},
		{"Förnyelsegrad, medelstora kunder", "%"},
	},
	.measure2 = {"Mediantid till första värde", "dagar"},
	.milestones = {
		"Pilot av tidslinjen med tio kunder",
		"Hälsotal på varje kundsida",
	},
	.update = "Förnyelserna sjönk igen det här kvartalet, till 84 %, mest bland "
		  "kunder som ännu inte hade någon kundansvarig. Tiden till första "
		  "värde blir kortare. **Nästa steg:** supportingenjörerna är med på "
		  "alla förnyelsemöten under andra kvartalet, och vi går igenom de "
		  "tjugo mest utsatta kunderna varje månad.",
	.update_comment = "Kan supporten se förnyelsedatumen i sin kö? Annars får vi "
			  "höra om mötena för sent.",
	.needs = {
		{"Kunderna ska slippa upprepa sig",
		 "Kunderna berättar samma sak för sälj, support och fakturering. Alla "
		 "de här idéerna ber om en gemensam bild av kunden."},
		{"Kunderna vill se att vi lyssnar",
		 "Färdplan, kundråd, återkoppling: kunderna vill se vad som händer med "
		 "det de berättar för oss."},
	},
	.revision = "## Ändrat efter era kommentarer\n\nVi mäter nu risken att kunden "
		    "inte förnyar **varje månad**, inte varje kvartal, och "
		    "supportingenjörerna är med på förnyelsemötena för de utsatta "
		    "kunderna.",
	.anchor_quote = "Förnyelsegraden bland de medelstora kunderna sjönk från 91 % "
			"till 86 % förra året.",
	.anchored_comment = "De flesta kunder vi förlorade hade ingen namngiven kontakt "
			    "alls. Kan vi börja med dem när vi inför kundansvariga?",
	.innovation = {"Innovationsrunda: framtidens kundtjänst",
		       "Vi har bjudit in kunder från Skärgårdsbanken och Vårdkedjan för att "
		       "berätta vad vår kundtjänst ska kunna göra för dem om tre år. "
		       "Berätta om problemet bakom önskemålet: det är det vi bygger för. "
		       "Varje medlem har 10 prickar att fördela."},
	.cideas = {
		{"Säg till innan vi märker det",
		 "När något går sönder hos er vill vi höra det från er först, med en "
		 "uppskattning, inte från våra egna kunder."},
		{"Ett ställe för alla våra ärenden",
		 "Våra team anmäler ärenden via mejl, telefon och portalen. Vi tappar "
		 "överblicken. En lista, oavsett kanal."},
		{"Svar på finska",
		 "Många på våra kontor i Tornedalen arbetar på finska. Även en bra "
		 "maskinöversättning av kunskapsbanken skulle hjälpa."},
		{"Låt våra administratörer fixa det enkla själva",
		 "Nya lösenord och nya användare ska inte kräva ett ärende hos er."},
		{"Statussida per kund",
		 "En statussida som visar det som påverkar *just den här* kunden, inte "
		 "hela plattformen."},
	},
	.ccomments = {
		"Vad är en bra uppskattning för er: en timme, en dag?",
		"Inom en timme, även om den är fel. Tystnad är värre än en dålig "
		"uppskattning.",
	},
};
