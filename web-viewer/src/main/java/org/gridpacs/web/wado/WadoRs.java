package org.gridpacs.web.wado;

import org.gridpacs.web.DicomWebRequest;
import org.gridpacs.web.DicomWebResource;
import org.gridpacs.web.DicomWebServices;
import org.gridpacs.web.target.RetrieveTarget;

/**
 * WADO-RS retrieve of instances (study, series, instance), frames and bulk data (PS3.18 10.4): a thin adapter over
 * the archive's {@link org.gridpacs.archive.retrieve.RetrieveService}, which reads this node's copies and, in a
 * cluster, other nodes'. Metadata and rendered images are resources of their own.
 */
public final class WadoRs implements DicomWebResource {
    private final InstanceRetrieve instances;
    private final FrameRetrieve frames;
    private final BulkDataRetrieve bulkData;

    public WadoRs(DicomWebServices services) {
        RetrieveTarget target = new RetrieveTarget(services.retrieve());
        this.instances = new InstanceRetrieve(services.retrieve(), target);
        this.frames = new FrameRetrieve(services.retrieve(), target);
        this.bulkData = new BulkDataRetrieve(services.retrieve(), target);
    }

    @Override
    public void serve(DicomWebRequest request) throws Exception {
        switch (request.path().kind()) {
            case INSTANCES -> instances.serve(request);
            case FRAMES -> frames.serve(request);
            case BULKDATA -> bulkData.serve(request);
            default -> throw new IllegalArgumentException("not a WADO-RS retrieve: " + request.path().kind());
        }
    }
}
