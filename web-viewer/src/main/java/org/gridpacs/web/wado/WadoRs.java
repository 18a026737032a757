package org.gridpacs.web.wado;

import org.gridpacs.web.DicomWebRequest;
import org.gridpacs.web.DicomWebResource;
import org.gridpacs.web.DicomWebServices;
import org.gridpacs.web.HttpProblem;

/** Not yet written: answers 501. */
public final class WadoRs implements DicomWebResource {
    private final DicomWebServices services;

    public WadoRs(DicomWebServices services) {
        this.services = services;
    }

    @Override
    public void serve(DicomWebRequest request) throws HttpProblem {
        throw new HttpProblem(501, "WadoRs is not implemented yet");
    }
}
