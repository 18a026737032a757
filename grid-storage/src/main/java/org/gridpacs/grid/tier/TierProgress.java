package org.gridpacs.grid.tier;

/** Progress of a tier operation, instance by instance (a job's counters). */
public interface TierProgress {
    TierProgress NONE = new TierProgress() {
        @Override
        public void total(int instances) {
        }

        @Override
        public void done(int instances) {
        }

        @Override
        public void error(String text) {
        }
    };

    /** Adds {@code instances} to the total (a job over several studies learns it study by study). */
    void total(int instances);

    void done(int instances);

    /** A problem with one instance or study; the operation goes on with the rest where it can. */
    void error(String text);
}
