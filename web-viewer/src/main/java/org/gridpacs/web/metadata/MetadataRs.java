package org.gridpacs.web.metadata;

import org.gridpacs.web.DicomWebRequest;
import org.gridpacs.web.DicomWebResource;
import org.gridpacs.web.DicomWebServices;
import org.gridpacs.web.HttpProblem;

/** Not yet written: answers 501. */
public final class MetadataRs implements DicomWebResource {
    private final DicomWebServices services;

    public MetadataRs(DicomWebServices services) {
        this.services = services;
    }

    @Override
    public void serve(DicomWebRequest request) throws HttpProblem {
        throw new HttpProblem(501, "MetadataRs is not implemented yet");
    }
}
