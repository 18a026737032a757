package org.gridpacs.web;

/**
 * One kind of DICOMweb transaction (QIDO-RS, WADO-RS, STOW-RS, WADO-URI). {@link #serve} either completes the
 * request's callback (having written the whole answer) or throws before anything was written: an
 * {@link HttpProblem} with its status and reason, anything else as a 500.
 */
@FunctionalInterface
public interface DicomWebResource {
    void serve(DicomWebRequest request) throws Exception;
}
