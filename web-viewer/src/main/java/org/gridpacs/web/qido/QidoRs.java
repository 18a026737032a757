package org.gridpacs.web.qido;

import org.gridpacs.web.DicomWebRequest;
import org.gridpacs.web.DicomWebResource;
import org.gridpacs.web.DicomWebServices;
import org.gridpacs.web.HttpProblem;

/** Not yet written: answers 501. */
public final class QidoRs implements DicomWebResource {
    private final DicomWebServices services;

    public QidoRs(DicomWebServices services) {
        this.services = services;
    }

    @Override
    public void serve(DicomWebRequest request) throws HttpProblem {
        throw new HttpProblem(501, "QidoRs is not implemented yet");
    }
}
