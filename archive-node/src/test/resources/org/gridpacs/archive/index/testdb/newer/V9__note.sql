-- A script this build's main code does not have: stands for a release after it.
ALTER TABLE study ADD COLUMN note VARCHAR;
