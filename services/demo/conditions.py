"""What each main condition brings with it in the demo, so a patient's plan, teaching,
hospital stays and outside visits tell one story: a heart-failure patient has the
heart-failure template's goals, learns daily weights, sees the cardiologist and, now and
then, goes into hospital with fluid overload. Condition keys are care-plan template keys.
"""

from __future__ import annotations

# condition -> what the patient says, in English and in Spanish (their own words)
WORDS = {
    "heart_failure_discharge": (
        [
            "I don't want to end up back in the hospital",
            "I want to be able to walk to the mailbox without getting winded",
            "I want to take my grandson fishing this summer",
        ],
        ["No quiero volver al hospital", "Quiero caminar sin que me falte el aire"],
    ),
    "diabetes": (
        [
            "I want my sugar numbers to come down",
            "I don't want to lose my feet like my brother did",
            "I want to keep driving, so I need my eyes checked",
        ],
        ["Quiero controlar el azúcar", "No quiero perder la vista"],
    ),
    "copd": (
        [
            "I want to breathe easier on the stairs",
            "I want to get through the winter without the ER",
            "I'd like to get back to my bowling league",
        ],
        ["Quiero respirar mejor", "Quiero subir las escaleras sin parar"],
    ),
    "falls_risk": (
        [
            "I want to stay in my own home",
            "I'm scared of falling again when I'm alone",
            "I want to get to church on Sundays",
        ],
        ["Quiero quedarme en mi casa", "Tengo miedo de caerme otra vez"],
    ),
    "depression": (
        [
            "I'm tired all the time and I want to feel like myself",
            "I want to sleep through the night",
            "I want to see my friends again",
        ],
        ["Quiero sentirme como antes", "Quiero dormir mejor"],
    ),
    "caregiver_strain": (
        [
            "My daughter needs a break, she can't keep doing this alone",
            "I want my wife to have some time for herself",
        ],
        ["Mi hija necesita descansar"],
    ),
    "ltc_placement": (
        [
            "I want to be somewhere safe where someone checks on me",
            "I want to be close to my family",
        ],
        ["Quiero estar cerca de mi familia"],
    ),
    "home_health_start": (
        [
            "I want to get my strength back after the surgery",
            "I want to be able to shower on my own",
        ],
        ["Quiero recuperar las fuerzas"],
    ),
}
GENERAL_WORDS = (
    [
        "I want to keep living on my own",
        "I want to understand all these pills",
        "I want to cook for myself again",
    ],
    ["Quiero entender mis medicinas", "Quiero cocinar para mi familia otra vez"],
)

# condition -> teach-back topics (topic, material)
TEACHING = {
    "heart_failure_discharge": [
        ("Daily weights", "Weight log sheet"),
        ("Low-salt eating", "Salt guide handout"),
        ("When to call the nurse", "Heart failure zones card"),
    ],
    "diabetes": [
        ("Blood sugar checks", "Glucose log"),
        ("Foot checks", "Foot care leaflet"),
        ("Insulin pen use", "Pen instructions"),
    ],
    "copd": [
        ("Inhaler technique", "Inhaler leaflet"),
        ("COPD action plan", "Action plan card"),
    ],
    "falls_risk": [
        ("Home safety", "Home safety checklist"),
        ("Balance exercises", "Exercise sheet"),
    ],
    "depression": [("Sleep habits", "Sleep handout"), ("Crisis line", "Crisis card")],
    "caregiver_strain": [("Respite options", "Respite resource list")],
    "ltc_placement": [("What to expect at the facility", "Admission guide")],
    "home_health_start": [
        ("Wound care", "Dressing instructions"),
        ("Pill box use", "Medication list"),
    ],
}
GENERAL_TEACHING = [
    ("Pill box use", "Medication list"),
    ("When to call the nurse", "Red-flag card"),
]

# condition -> why a patient with it was in hospital
STAY_REASONS = {
    "heart_failure_discharge": ["Heart failure exacerbation", "Fluid overload"],
    "copd": ["COPD flare", "Pneumonia"],
    "falls_risk": ["Fall with hip fracture", "Fall with head injury"],
    "diabetes": ["High blood sugar (hyperglycemia)", "Foot infection"],
    "home_health_start": ["Knee replacement", "Hip replacement"],
}
GENERAL_STAY_REASONS = ["Pneumonia", "Urinary tract infection", "Dehydration"]
# how likely a patient with the condition had a recent hospital stay
STAY_SHARE = {
    "heart_failure_discharge": 0.35,
    "copd": 0.2,
    "falls_risk": 0.15,
    "home_health_start": 0.25,
}

# condition -> the outside visits a patient with it goes to (title, directory partner)
VISITS = {
    "heart_failure_discharge": [("Cardiology follow-up", "Riverside Heart Associates")],
    "diabetes": [
        ("Endocrinology", "Lakeview Diabetes Clinic"),
        ("Eye exam", "ClearSight Ophthalmology"),
    ],
    "copd": [("Pulmonology", "Bayside Pulmonary Associates")],
    "falls_risk": [("Physical therapy", "MoveWell PT")],
    "depression": [("Counseling", "Harbor Counseling Center")],
    "home_health_start": [("Wound clinic", "St. Brigid Wound Care")],
}
EVERYONE_VISITS = [
    ("Primary care visit", "Eastside Family Medicine"),
    ("Lab draw", "Community Lab Services"),
]
