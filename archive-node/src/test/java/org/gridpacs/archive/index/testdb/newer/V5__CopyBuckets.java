package org.gridpacs.archive.index.testdb.newer;

/** The archive's Java migration 5, copied into the "newer release" folder as its scripts are. */
public class V5__CopyBuckets extends org.gridpacs.archive.index.db.V5__CopyBuckets {
}
