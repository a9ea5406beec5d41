from casetracker.records import Visibility

from .detention import DeathInCustody, Detention, Facility, detained_now_q
from .editorial import PendingChange, Publication
from .evidence import EvidenceFile
from .health import (
    HealthAlertPreference,
    HealthDue,
    HealthDueSweep,
    HealthObservation,
    HungerStrike,
    StaleHealthFlag,
)
from .legal import (
    AdditionalPunishment,
    Case,
    CaseLink,
    Charge,
    LegalArticle,
    Recognition,
    Sentence,
    effective_sentence,
)
from .officials import CaseOfficial, Official
from .proceedings import Proceeding
from .sources import Event, Source
from .staleness import CareDue, CareFlag, CareKind
from .visits import PrisonVisit

__all__ = [
    "AdditionalPunishment",
    "CareDue",
    "CareFlag",
    "CareKind",
    "Case",
    "CaseLink",
    "CaseOfficial",
    "Charge",
    "DeathInCustody",
    "Detention",
    "Event",
    "EvidenceFile",
    "Facility",
    "HealthAlertPreference",
    "HealthDue",
    "HealthDueSweep",
    "HealthObservation",
    "HungerStrike",
    "LegalArticle",
    "Official",
    "PendingChange",
    "PrisonVisit",
    "Proceeding",
    "Publication",
    "Recognition",
    "Sentence",
    "Source",
    "StaleHealthFlag",
    "Visibility",
    "detained_now_q",
    "effective_sentence",
]
