package org.gridpacs.web.render;

import org.gridpacs.web.DicomWebRequest;
import org.gridpacs.web.DicomWebResource;
import org.gridpacs.web.DicomWebServices;
import org.gridpacs.web.HttpProblem;

/** Not yet written: answers 501. */
public final class RenderedRs implements DicomWebResource {
    private final DicomWebServices services;

    public RenderedRs(DicomWebServices services) {
        this.services = services;
    }

    @Override
    public void serve(DicomWebRequest request) throws HttpProblem {
        throw new HttpProblem(501, "RenderedRs is not implemented yet");
    }
}
