package org.gridpacs.dose.jobs;

/**
 * Which of two rows of the same job a node keeps, when a peer sends its row (every node keeps a row of every job of
 * the cluster). The rule is the same on every node, so all of them end with the same row:
 * <ol>
 * <li>a row the node does not have is taken;</li>
 * <li>a final state (DONE, FAILED, CANCELLED) never goes back to an open one; of two different final states, DONE
 * wins (its RT Dose is in the archive);</li>
 * <li>of two open rows, the higher {@code ownerEpoch} wins (a takeover made it; no clocks compared);</li>
 * <li>same epoch, different owners: the same on-arrival job made on two nodes at once (its id comes from the plan's
 * UID): the earlier {@code created} wins, then the smaller owner name;</li>
 * <li>same epoch, same owner: the owner's newer {@code updated} wins (one clock: the owner's).</li>
 * </ol>
 */
public final class JobMerge {
    private JobMerge() {
    }

    /** Whether {@code theirs} replaces {@code mine} (null: the node has no row of the job). */
    public static boolean takeTheirs(JobRecord mine, JobRecord theirs) {
        if (mine == null) {
            return true;
        }
        if (!mine.id().equals(theirs.id())) {
            throw new IllegalArgumentException("rows of two jobs: " + mine.id() + ", " + theirs.id());
        }
        boolean mineFinal = mine.state().isFinal();
        boolean theirsFinal = theirs.state().isFinal();
        if (mineFinal || theirsFinal) {
            if (mineFinal && theirsFinal) {
                return theirs.state() == JobState.DONE && mine.state() != JobState.DONE;
            }
            return theirsFinal;
        }
        if (theirs.ownerEpoch() != mine.ownerEpoch()) {
            return theirs.ownerEpoch() > mine.ownerEpoch();
        }
        if (!theirs.owner().equals(mine.owner())) {
            int byCreated = theirs.created().compareTo(mine.created());
            return byCreated != 0 ? byCreated < 0 : theirs.owner().compareTo(mine.owner()) < 0;
        }
        return theirs.updated().isAfter(mine.updated());
    }
}
