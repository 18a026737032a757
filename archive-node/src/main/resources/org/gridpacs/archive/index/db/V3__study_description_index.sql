-- QIDO-RS study lists (OHIF's search box) match Study Description; the other keys OHIF sends (Patient's Name,
-- Patient ID, Accession Number, Study Date, Study Instance UID, Modalities in Study) already have indexes.
-- Numbered 3: version 2 is taken by a script written at the same time on another branch (Flyway allows the gap).
CREATE INDEX study_description_ix ON study (description);
