CREATE INDEX extra_mark_ix ON extra_mark (mark);
