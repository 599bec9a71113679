"""Patient-wise evaluation: the MIT-BIH inter-patient split and patient K-fold."""

from ._interpatient import (
    DS1_RECORDS,
    DS2_RECORDS,
    PACED_RECORDS,
    InterPatientSplit,
)
from ._patient_kfold import PatientStratifiedKFold

__all__ = [
    "DS1_RECORDS",
    "DS2_RECORDS",
    "PACED_RECORDS",
    "InterPatientSplit",
    "PatientStratifiedKFold",
]
