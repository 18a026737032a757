/**
 * Cross-site retrieve (issue 15, item 3). Two sides:
 * <ul>
 * <li>{@link org.gridpacs.federation.retrieve.RelayedRetrieveScp}: a C-MOVE or C-GET to the gateway's federation AE
 * for instances another site holds. It finds the site with an IMAGE-level C-FIND ({@link
 * org.gridpacs.federation.retrieve.SiteLocator}), asks that site for them with one C-GET over mutual TLS, and
 * forwards each instance to the move destination (or back to the C-GET requester) as it arrives ({@link
 * org.gridpacs.federation.retrieve.Relay}), with a pending response after each.</li>
 * <li>{@link org.gridpacs.federation.retrieve.ServedRetrieveScp}: the federation TLS port's C-GET and C-MOVE SCP,
 * serving this archive's instances to a site allowed to retrieve here, through the archive's own retrieve SCP.</li>
 * </ul>
 * Both audit one DICOM Instances Transferred message per request (PS3.15 A.5.3.4).
 */
package org.gridpacs.federation.retrieve;
