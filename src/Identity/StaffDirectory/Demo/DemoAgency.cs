namespace Notices.Identity.StaffDirectory.Demo;

/// <summary>What kind of work a unit does: the series it employs, with weights.</summary>
internal sealed record WorkProfile(string Name, IReadOnlyList<(SeriesInfo Series, int Weight)> Series);

/// <summary>An occupational series as the demo uses it: title, pay plan, usual grades, and its supervisors' grade.</summary>
internal sealed record SeriesInfo(string Code, string Title, string PayPlan, int MinGrade, int MaxGrade, string LeadPayPlan, int LeadGrade, string LeadTitle);

/// <summary>One organisation unit: the chief's title, where it sits, and (for units with staff) its work and size.</summary>
internal sealed record OrgNode(string Name, string ChiefTitle, string City, string State, bool Senior, WorkProfile? Work, int Weight, IReadOnlyList<OrgNode> Children);

/// <summary>A USCIS-like agency: directorates, regions, districts, field offices, service centers, asylum offices.</summary>
internal static class DemoAgency
{
    public static readonly SeriesInfo Ioff = new("1801", "Immigration Services Officer", "GS", 7, 12, "GS", 13, "Supervisory Immigration Services Officer");
    public static readonly SeriesInfo Ias = new("1802", "Immigration Services Assistant", "GS", 5, 8, "GS", 9, "Lead Immigration Services Assistant");
    public static readonly SeriesInfo Asylum = new("0930", "Asylum Officer", "GS", 11, 13, "GS", 14, "Supervisory Asylum Officer");
    public static readonly SeriesInfo Refugee = new("0930", "Refugee Officer", "GS", 11, 13, "GS", 14, "Supervisory Refugee Officer");
    public static readonly SeriesInfo Analyst = new("0343", "Management and Program Analyst", "GS", 9, 14, "GS", 14, "Supervisory Management and Program Analyst");
    public static readonly SeriesInfo ItSpec = new("2210", "IT Specialist", "GS", 9, 14, "GS", 15, "Supervisory IT Specialist");
    public static readonly SeriesInfo MissionSupport = new("0301", "Mission Support Specialist", "GS", 7, 13, "GS", 14, "Supervisory Mission Support Specialist");
    public static readonly SeriesInfo Clerk = new("0303", "Miscellaneous Clerk", "GS", 4, 7, "GS", 8, "Lead Clerk");
    public static readonly SeriesInfo Attorney = new("0905", "Attorney", "GS", 12, 15, "GS", 15, "Supervisory Attorney");
    public static readonly SeriesInfo Paralegal = new("0950", "Paralegal Specialist", "GS", 9, 12, "GS", 13, "Supervisory Paralegal Specialist");
    public static readonly SeriesInfo Investigator = new("1811", "Criminal Investigator", "GS", 12, 13, "GS", 14, "Supervisory Criminal Investigator");
    public static readonly SeriesInfo Intelligence = new("0132", "Intelligence Research Specialist", "GS", 11, 13, "GS", 14, "Supervisory Intelligence Research Specialist");
    public static readonly SeriesInfo HumanResources = new("0201", "Human Resources Specialist", "GS", 9, 13, "GS", 14, "Supervisory Human Resources Specialist");
    public static readonly SeriesInfo Budget = new("0560", "Budget Analyst", "GS", 9, 13, "GS", 14, "Supervisory Budget Analyst");
    public static readonly SeriesInfo Accountant = new("0510", "Accountant", "GS", 9, 13, "GS", 14, "Supervisory Accountant");
    public static readonly SeriesInfo Contracting = new("1102", "Contract Specialist", "GS", 9, 13, "GS", 14, "Supervisory Contract Specialist");
    public static readonly SeriesInfo PublicAffairs = new("1035", "Public Affairs Specialist", "GS", 9, 13, "GS", 14, "Supervisory Public Affairs Specialist");
    public static readonly SeriesInfo Records = new("0305", "Mail and File Clerk", "GS", 3, 6, "GS", 7, "Lead Mail and File Clerk");
    public static readonly SeriesInfo Maintenance = new("4749", "Maintenance Mechanic", "WG", 5, 10, "WS", 10, "Maintenance Mechanic Supervisor");
    public static readonly SeriesInfo Driver = new("5703", "Motor Vehicle Operator", "WG", 5, 7, "WS", 8, "Motor Vehicle Operator Supervisor");

    public static readonly WorkProfile Field = new("field", [(Ioff, 72), (Ias, 10), (Clerk, 8), (MissionSupport, 5), (Analyst, 5)]);
    public static readonly WorkProfile ServiceCenter = new("service center", [(Ioff, 65), (Ias, 12), (Clerk, 10), (Analyst, 8), (MissionSupport, 5)]);
    public static readonly WorkProfile AsylumOffice = new("asylum", [(Asylum, 78), (Clerk, 8), (Analyst, 6), (MissionSupport, 4), (Ioff, 4)]);
    public static readonly WorkProfile RefugeeWork = new("refugee", [(Refugee, 62), (Ioff, 18), (Analyst, 12), (MissionSupport, 8)]);
    public static readonly WorkProfile FraudWork = new("fdns", [(Ioff, 45), (Investigator, 25), (Intelligence, 15), (Analyst, 15)]);
    public static readonly WorkProfile ItWork = new("it", [(ItSpec, 85), (Analyst, 10), (MissionSupport, 5)]);
    public static readonly WorkProfile HrWork = new("hr", [(HumanResources, 75), (Analyst, 15), (MissionSupport, 10)]);
    public static readonly WorkProfile FinanceWork = new("finance", [(Budget, 40), (Accountant, 35), (Analyst, 25)]);
    public static readonly WorkProfile AdminWork = new("admin", [(MissionSupport, 30), (Contracting, 25), (Maintenance, 30), (Driver, 15)]);
    public static readonly WorkProfile CounselWork = new("counsel", [(Attorney, 70), (Paralegal, 20), (MissionSupport, 10)]);
    public static readonly WorkProfile FrontOffice = new("front office", [(MissionSupport, 40), (Analyst, 40), (PublicAffairs, 20)]);
    public static readonly WorkProfile RecordsWork = new("records", [(Records, 45), (Clerk, 25), (Ioff, 20), (Analyst, 10)]);

    private const string Hq = "Camp Springs";
    private const string Md = "MD";

    public static OrgNode Build() => Node("USCIS", "Director", Hq, Md, senior: true, children:
    [
        Leaf("Office of the Director", "Chief of Staff", Hq, Md, FrontOffice, 40),
        Node("Office of the Chief Counsel", "Chief Counsel", Hq, Md, senior: true, work: CounselWork, weight: 120),
        Node("External Affairs Directorate", "Associate Director, External Affairs", "Washington", "DC", senior: true, work: FrontOffice, weight: 60),
        Node("Field Operations Directorate", "Associate Director, Field Operations", Hq, Md, senior: true, children:
        [
            Region("Northeast Region", "Burlington", "VT",
                District("Boston District", ("Boston", "Boston", "MA", 60), ("Hartford", "Hartford", "CT", 25), ("Lawrence", "Lawrence", "MA", 20),
                    ("Manchester", "Manchester", "NH", 10), ("Portland", "South Portland", "ME", 10), ("Providence", "Johnston", "RI", 12)),
                District("New York District", ("New York City", "New York", "NY", 90), ("Queens", "Long Island City", "NY", 60), ("Brooklyn", "Brooklyn", "NY", 50),
                    ("Long Island", "Holtsville", "NY", 40), ("Albany", "Albany", "NY", 12), ("Buffalo", "Buffalo", "NY", 15)),
                District("Newark District", ("Newark", "Newark", "NJ", 60), ("Mount Laurel", "Mount Laurel", "NJ", 25)),
                District("Philadelphia District", ("Philadelphia", "Philadelphia", "PA", 40), ("Pittsburgh", "Pittsburgh", "PA", 12), ("Baltimore", "Baltimore", "MD", 35),
                    ("Washington", "Fairfax", "VA", 50), ("Norfolk", "Norfolk", "VA", 15), ("Wilmington", "Wilmington", "DE", 6))),
            Region("Southeast Region", "Orlando", "FL",
                District("Atlanta District", ("Atlanta", "Atlanta", "GA", 45), ("Charlotte", "Charlotte", "NC", 25), ("Raleigh-Durham", "Durham", "NC", 20),
                    ("Charleston", "North Charleston", "SC", 10), ("Greer", "Greer", "SC", 10), ("Memphis", "Memphis", "TN", 15), ("Nashville", "Nashville", "TN", 12),
                    ("Montgomery", "Montgomery", "AL", 6), ("Jackson", "Jackson", "MS", 5)),
                District("Miami District", ("Miami", "Miami", "FL", 60), ("Kendall", "Miami", "FL", 40), ("Hialeah", "Hialeah", "FL", 40),
                    ("Oakland Park", "Oakland Park", "FL", 40), ("West Palm Beach", "Riviera Beach", "FL", 25)),
                District("Tampa District", ("Tampa", "Tampa", "FL", 35), ("Orlando", "Orlando", "FL", 40), ("Jacksonville", "Jacksonville", "FL", 25), ("Fort Myers", "Fort Myers", "FL", 15)),
                District("San Juan District", ("San Juan", "Guaynabo", "PR", 20), ("Christiansted", "Christiansted", "VI", 4), ("Charlotte Amalie", "Charlotte Amalie", "VI", 4))),
            Region("Central Region", "Dallas", "TX",
                District("Chicago District", ("Chicago", "Chicago", "IL", 60), ("Indianapolis", "Indianapolis", "IN", 15), ("Milwaukee", "Milwaukee", "WI", 15),
                    ("Detroit", "Detroit", "MI", 25), ("Cleveland", "Cleveland", "OH", 15), ("Columbus", "Columbus", "OH", 15), ("Cincinnati", "Cincinnati", "OH", 10)),
                District("Kansas City District", ("Kansas City", "Overland Park", "KS", 20), ("St. Louis", "St. Louis", "MO", 15), ("Omaha", "Omaha", "NE", 12),
                    ("Des Moines", "Des Moines", "IA", 10), ("St. Paul", "St. Paul", "MN", 25), ("Louisville", "Louisville", "KY", 12), ("Fargo", "Fargo", "ND", 4),
                    ("Sioux Falls", "Sioux Falls", "SD", 4)),
                District("Dallas District", ("Dallas", "Irving", "TX", 50), ("Oklahoma City", "Oklahoma City", "OK", 12), ("New Orleans", "New Orleans", "LA", 12),
                    ("Fort Smith", "Fort Smith", "AR", 6)),
                District("Houston District", ("Houston", "Houston", "TX", 60), ("San Antonio", "San Antonio", "TX", 30), ("El Paso", "El Paso", "TX", 15), ("Harlingen", "Harlingen", "TX", 15)),
                District("Denver District", ("Denver", "Centennial", "CO", 25), ("Salt Lake City", "West Valley City", "UT", 15), ("Albuquerque", "Albuquerque", "NM", 12),
                    ("Helena", "Helena", "MT", 4), ("Boise", "Boise", "ID", 8), ("Cheyenne", "Cheyenne", "WY", 3))),
            Region("West Region", "Laguna Niguel", "CA",
                District("Los Angeles District", ("Los Angeles", "Los Angeles", "CA", 80), ("Los Angeles County", "Norwalk", "CA", 45), ("Santa Ana", "Santa Ana", "CA", 40),
                    ("San Bernardino", "San Bernardino", "CA", 30)),
                District("San Diego District", ("San Diego", "San Diego", "CA", 40), ("Chula Vista", "Chula Vista", "CA", 20), ("Imperial", "Imperial", "CA", 8),
                    ("Phoenix", "Phoenix", "AZ", 30), ("Tucson", "Tucson", "AZ", 15), ("Las Vegas", "Las Vegas", "NV", 25), ("Reno", "Reno", "NV", 8)),
                District("San Francisco District", ("San Francisco", "San Francisco", "CA", 45), ("San Jose", "San Jose", "CA", 30), ("Sacramento", "Sacramento", "CA", 25),
                    ("Fresno", "Fresno", "CA", 20), ("Honolulu", "Honolulu", "HI", 12), ("Agana", "Tamuning", "GU", 5), ("Anchorage", "Anchorage", "AK", 5)),
                District("Seattle District", ("Seattle", "Tukwila", "WA", 35), ("Spokane", "Spokane", "WA", 8), ("Yakima", "Yakima", "WA", 6), ("Portland", "Portland", "OR", 20))),
        ]),
        Node("Service Center Operations Directorate", "Associate Director, Service Center Operations", Hq, Md, senior: true, children:
        [
            Node("California Service Center", "Center Director", "Laguna Niguel", "CA", senior: true, work: ServiceCenter, weight: 420),
            Node("Nebraska Service Center", "Center Director", "Lincoln", "NE", senior: true, work: ServiceCenter, weight: 420),
            Node("Potomac Service Center", "Center Director", "Arlington", "VA", senior: true, work: ServiceCenter, weight: 260),
            Node("Texas Service Center", "Center Director", "Mesquite", "TX", senior: true, work: ServiceCenter, weight: 420),
            Node("Vermont Service Center", "Center Director", "St. Albans", "VT", senior: true, work: ServiceCenter, weight: 360),
            Node("National Benefits Center", "Center Director", "Lee's Summit", "MO", senior: true, work: ServiceCenter, weight: 330),
        ]),
        Node("Refugee, Asylum and International Operations Directorate", "Associate Director, Refugee, Asylum and International Operations", Hq, Md, senior: true, children:
        [
            Node("Asylum Division", "Chief, Asylum Division", Hq, Md, senior: true, children:
            [
                Leaf("Arlington Asylum Office", "Asylum Office Director", "Arlington", "VA", AsylumOffice, 40),
                Leaf("Boston Asylum Office", "Asylum Office Director", "Boston", "MA", AsylumOffice, 25),
                Leaf("Chicago Asylum Office", "Asylum Office Director", "Chicago", "IL", AsylumOffice, 35),
                Leaf("Houston Asylum Office", "Asylum Office Director", "Houston", "TX", AsylumOffice, 40),
                Leaf("Los Angeles Asylum Office", "Asylum Office Director", "Tustin", "CA", AsylumOffice, 50),
                Leaf("Miami Asylum Office", "Asylum Office Director", "Miami", "FL", AsylumOffice, 45),
                Leaf("New Orleans Asylum Office", "Asylum Office Director", "New Orleans", "LA", AsylumOffice, 25),
                Leaf("New York Asylum Office", "Asylum Office Director", "Bethpage", "NY", AsylumOffice, 45),
                Leaf("Newark Asylum Office", "Asylum Office Director", "Lyndhurst", "NJ", AsylumOffice, 40),
                Leaf("San Francisco Asylum Office", "Asylum Office Director", "San Francisco", "CA", AsylumOffice, 40),
            ]),
            Leaf("Refugee Affairs Division", "Chief, Refugee Affairs Division", Hq, Md, RefugeeWork, 70),
            Leaf("International Operations Division", "Chief, International Operations Division", Hq, Md, RefugeeWork, 35),
        ]),
        Node("Fraud Detection and National Security Directorate", "Associate Director, Fraud Detection and National Security", Hq, Md, senior: true, children:
        [
            Leaf("Fraud Detection Division", "Chief, Fraud Detection Division", Hq, Md, FraudWork, 45),
            Leaf("National Security and Public Safety Division", "Chief, National Security and Public Safety Division", Hq, Md, FraudWork, 40),
            Leaf("Investigations Division", "Chief, Investigations Division", "Washington", "DC", FraudWork, 30),
        ]),
        Node("Immigration Records and Identity Services Directorate", "Associate Director, Immigration Records and Identity Services", Hq, Md, senior: true, children:
        [
            Leaf("Identity and Information Management Division", "Chief, Identity and Information Management Division", Hq, Md, FrontOffice, 40),
            Leaf("National Records Center", "Center Director", "Lee's Summit", "MO", RecordsWork, 160),
        ]),
        Node("Management Directorate", "Associate Director, Management", Hq, Md, senior: true, children:
        [
            Node("Office of Information Technology", "Chief Information Officer", Hq, Md, senior: true, work: ItWork, weight: 190),
            Leaf("Office of Human Capital and Training", "Chief Human Capital Officer", Hq, Md, HrWork, 70),
            Leaf("Office of the Chief Financial Officer", "Chief Financial Officer", Hq, Md, FinanceWork, 55),
            Leaf("Office of Administration", "Chief Administrative Officer", Hq, Md, AdminWork, 45),
            Leaf("Office of Contracting", "Head of Contracting Activity", "Williston", "VT", AdminWork, 30),
            Leaf("Office of Security and Integrity", "Chief Security Officer", Hq, Md, FrontOffice, 25),
        ]),
    ]);

    private static OrgNode Node(string name, string chief, string city, string state, bool senior = false, WorkProfile? work = null, int weight = 0, IReadOnlyList<OrgNode>? children = null) =>
        new(name, chief, city, state, senior, work, weight, children ?? []);

    private static OrgNode Leaf(string name, string chief, string city, string state, WorkProfile work, int weight) =>
        new(name, chief, city, state, false, work, weight, []);

    private static OrgNode Region(string name, string city, string state, params OrgNode[] districts) =>
        new(name, "Regional Director", city, state, true, null, 0, districts);

    private static OrgNode District(string name, params (string Office, string City, string State, int Weight)[] offices) =>
        new(name, "District Director", offices[0].City, offices[0].State, false, null, 0,
            offices.Select(o => Leaf(o.Office + " Field Office", "Field Office Director", o.City, o.State, Field, o.Weight)).ToList());
}
