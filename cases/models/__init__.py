from casetracker.records import Visibility

from .detention import Detention, Facility
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
from .legal import Case, Charge, LegalArticle, Recognition, Sentence
from .sources import Event, Source
from .visits import PrisonVisit

__all__ = [
    "Case",
    "Charge",
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
    "PendingChange",
    "PrisonVisit",
    "Publication",
    "Recognition",
    "Sentence",
    "Source",
    "StaleHealthFlag",
    "Visibility",
]
