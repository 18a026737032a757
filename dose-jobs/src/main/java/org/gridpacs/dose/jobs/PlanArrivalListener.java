package org.gridpacs.dose.jobs;

import java.sql.SQLException;

import org.gridpacs.archive.store.InstanceStored;
import org.gridpacs.archive.store.StoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-arrival rule ({@code dose.onArrival}): a stored RT Plan makes a job; a stored CT instance makes waiting jobs
 * look again. What the service stores itself (generated plans, RT Doses) is ignored.
 */
public final class PlanArrivalListener implements StoreListener {
    private static final Logger LOG = LoggerFactory.getLogger(PlanArrivalListener.class);
    private final DoseJobService jobs;

    public PlanArrivalListener(DoseJobService jobs) {
        this.jobs = jobs;
    }

    @Override
    public void instanceStored(InstanceStored e) {
        if (DoseJobService.isOwn(e.callingAETitle())) {
            return;
        }
        if ("CT".equals(e.modality())) {
            jobs.ctArrived(e.seriesInstanceUID());
        } else if (DoseJobService.isRtPlan(e.sopClassUID()) && jobs.config().onArrival()) {
            try {
                jobs.planArrived(e.studyInstanceUID(), e.sopInstanceUID());
            } catch (SQLException ex) {
                LOG.warn("No dose job for RT Plan {}: the job table failed: {}", e.sopInstanceUID(), ex.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "dose on-arrival rule";
    }
}
