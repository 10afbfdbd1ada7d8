"""Invented names and texts. Nobody here is a real person."""

FIRST_NAMES = (
    "Aisha", "Ben", "Chloe", "Daniel", "Ella", "Farhan", "Grace", "Harry", "Imran", "Jade", "Kwame", "Laura",
    "Mohammed", "Nadia", "Oliver", "Priya", "Quentin", "Rachel", "Samir", "Tara", "Usman", "Victoria", "Wes",
    "Yasmin", "Zoe", "Adam", "Bethan", "Callum", "Dee", "Emeka", "Fiona", "Gareth", "Hannah", "Isaac", "Joanne",
    "Kieran", "Leah", "Marcus", "Niamh", "Owen", "Parveen", "Rhys", "Sophie", "Tom", "Uzma", "Vikram", "Wendy",
    "Amir", "Bridget", "Connor", "Delroy", "Esther", "Femi", "Gemma", "Hassan", "Isla", "Jamal", "Kate", "Liam",
    "Megan", "Nathan", "Olivia", "Paul", "Rosa", "Sean", "Tanya", "Winston", "Zara",
)
SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Khan",
    "Hughes", "Edwards", "Turner", "Hill", "Moore", "Cooper", "Ward", "Morris", "King", "Watson", "Harris",
    "Lewis", "Begum", "Ali", "Hussain", "Okafor", "Mensah", "Kaur", "Singh", "Murphy", "O'Brien", "Campbell",
    "Kelly", "Price", "Bennett", "Shaw", "Mitchell", "Chapman", "Baker", "Bailey", "Parker", "Phillips",
    "Young", "Allen", "Scott", "Adams", "Nowak", "Kowalski", "Ahmed", "Rahman", "Francis", "Grant",
)
INITIALS = "ABCDEFGHIJKLMNOPRSTWZ"

ACTION_TEXTS = (
    "Refer to CAMHS",
    "Arrange a home visit with the family",
    "Liaise with the school about attendance",
    "Update the risk management plan",
    "Complete the AssetPlus review",
    "Chase the speech and language assessment",
    "Book the reparation sessions",
    "Share the safety plan with children's social care",
    "Arrange a joint visit with the police liaison officer",
    "Confirm the education placement",
    "Request the victim's views for the panel",
    "Arrange the custody visit",
    "Prepare the report for the referral order panel",
    "Follow up the substance misuse referral",
    "Check the bail conditions with the court",
)
REASONS_NOT_DONE = (
    "Family moved address; visit rebooked",
    "Waiting for the school to reply",
    "Superseded by the strategy meeting",
    "Young person in custody; not possible this month",
    "Referral declined by the service; alternative being sought",
)
SHEET_NOTES = (
    "Court on Tuesday",
    "Reparation session Wednesday",
    "Panel meeting booked",
    "Appointment with CAMHS on Thursday",
    "Curfew check due",
    "School review meeting",
    "Custody visit booked",
)
