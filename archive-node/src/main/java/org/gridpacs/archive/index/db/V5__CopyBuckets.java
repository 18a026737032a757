package org.gridpacs.archive.index.db;

import java.sql.Connection;
import java.sql.Statement;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.gridpacs.archive.index.CopyBuckets;

/**
 * Per-bucket digests of each storage's copies and the marks of studies whose copies changed ({@link CopyBuckets}):
 * repair compares buckets, not every study. In Java because an existing index's studies get their bucket (a
 * SHA-256 of the Study Instance UID, the same on every node) and the digests are computed from its location rows.
 * Numbered 5: version 4 is taken by a script written at the same time on another branch (Flyway allows the gap).
 */
public class V5__CopyBuckets extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE study ADD COLUMN bucket INT");
            s.execute("CREATE INDEX study_bucket_ix ON study (bucket, study_uid)");
            // one row per (storage, bucket) that ever held a copy: at most 4096 per storage; digest is the exact
            // sum of signed 64-bit terms (an UPDATE adds to it atomically; BIGINT would overflow), read modulo 2^64
            s.execute("CREATE TABLE copy_bucket (storage_id VARCHAR NOT NULL, bucket INT NOT NULL,"
                    + " copies BIGINT NOT NULL, digest DECIMAL(38, 0) NOT NULL, PRIMARY KEY (storage_id, bucket))");
            // studies whose copies changed since the placement check last settled them; seq grows with each change
            s.execute("CREATE TABLE study_change (study_uid VARCHAR PRIMARY KEY, seq BIGINT NOT NULL)");
        }
        CopyBuckets.rebuild(c);
    }
}
