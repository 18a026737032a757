package org.gridpacs.archive.retrieve;

/**
 * Who asks for a retrieve: what access rules, audit records and later DICOMweb authorisation look at.
 *
 * @param callingAETitle the requester's AE title (C-MOVE, C-GET), or null for an HTTP client
 * @param user           the user the requester names (DIMSE User Identity negotiation, an HTTP login), or null
 * @param remoteAddress  where the request came from (host and port as the connection shows it), or null
 */
public record Requester(String callingAETitle, String user, String remoteAddress) {
}
