package org.gridpacs.dicom.net.pdu;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * User Information item (0x50, PS3.8 9.3.2.3 and Annex D, PS3.7 D.3.3). Mutable: the association
 * layer fills it in step by step. Optional sub-items are null or empty lists when absent.
 */
public final class UserInformation {
    private long maxLength;
    private String implementationClassUid;
    private String implementationVersionName;
    private AsyncOperationsWindow asyncOperationsWindow;
    private final List<RoleSelection> roleSelections = new ArrayList<>();
    private final List<ExtendedNegotiation> extendedNegotiations = new ArrayList<>();
    private final List<CommonExtendedNegotiation> commonExtendedNegotiations = new ArrayList<>();
    private UserIdentityRQ userIdentityRQ;
    private UserIdentityAC userIdentityAC;

    /**
     * Maximum Length Received: the largest PDU-length field value of P-DATA-TF PDUs the sender of this
     * item accepts (see the package documentation); 0 means unlimited. Unsigned 32-bit, hence long.
     */
    public long maxLength() {
        return maxLength;
    }

    public UserInformation setMaxLength(long maxLength) {
        if (maxLength < 0 || maxLength > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("maximum length must be 0..2^32-1: " + maxLength);
        }
        this.maxLength = maxLength;
        return this;
    }

    /** Mandatory on the wire (PS3.7 D.3.3.2); null only if a peer omitted it. */
    public String implementationClassUid() {
        return implementationClassUid;
    }

    public UserInformation setImplementationClassUid(String uid) {
        this.implementationClassUid = uid;
        return this;
    }

    public String implementationVersionName() {
        return implementationVersionName;
    }

    /** Optional: null, or 1..16 characters. */
    public UserInformation setImplementationVersionName(String name) {
        if (name != null && (name.isEmpty() || name.length() > 16)) {
            throw new IllegalArgumentException("implementation version name must be 1..16 characters: \"" + name + "\"");
        }
        this.implementationVersionName = name;
        return this;
    }

    public AsyncOperationsWindow asyncOperationsWindow() {
        return asyncOperationsWindow;
    }

    public UserInformation setAsyncOperationsWindow(AsyncOperationsWindow window) {
        this.asyncOperationsWindow = window;
        return this;
    }

    public List<RoleSelection> roleSelections() {
        return Collections.unmodifiableList(roleSelections);
    }

    public UserInformation addRoleSelection(RoleSelection rs) {
        roleSelections.add(Objects.requireNonNull(rs));
        return this;
    }

    /** The role selection for a SOP class, or null. */
    public RoleSelection roleSelection(String sopClassUid) {
        for (RoleSelection rs : roleSelections) {
            if (rs.sopClassUid().equals(sopClassUid)) {
                return rs;
            }
        }
        return null;
    }

    public List<ExtendedNegotiation> extendedNegotiations() {
        return Collections.unmodifiableList(extendedNegotiations);
    }

    public UserInformation addExtendedNegotiation(ExtendedNegotiation en) {
        extendedNegotiations.add(Objects.requireNonNull(en));
        return this;
    }

    public List<CommonExtendedNegotiation> commonExtendedNegotiations() {
        return Collections.unmodifiableList(commonExtendedNegotiations);
    }

    public UserInformation addCommonExtendedNegotiation(CommonExtendedNegotiation cen) {
        commonExtendedNegotiations.add(Objects.requireNonNull(cen));
        return this;
    }

    /** Sent by a requestor; null when absent. */
    public UserIdentityRQ userIdentityRQ() {
        return userIdentityRQ;
    }

    public UserInformation setUserIdentityRQ(UserIdentityRQ identity) {
        this.userIdentityRQ = identity;
        return this;
    }

    /** Sent by an acceptor; null when absent. */
    public UserIdentityAC userIdentityAC() {
        return userIdentityAC;
    }

    public UserInformation setUserIdentityAC(UserIdentityAC identity) {
        this.userIdentityAC = identity;
        return this;
    }

    /** Received values bypass the setter checks: a peer's 17-character version name is no reason to abort. */
    void setImplementationVersionNameUnchecked(String name) {
        this.implementationVersionName = name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserInformation u && maxLength == u.maxLength
                && Objects.equals(implementationClassUid, u.implementationClassUid)
                && Objects.equals(implementationVersionName, u.implementationVersionName)
                && Objects.equals(asyncOperationsWindow, u.asyncOperationsWindow)
                && roleSelections.equals(u.roleSelections)
                && extendedNegotiations.equals(u.extendedNegotiations)
                && commonExtendedNegotiations.equals(u.commonExtendedNegotiations)
                && Objects.equals(userIdentityRQ, u.userIdentityRQ)
                && Objects.equals(userIdentityAC, u.userIdentityAC);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxLength, implementationClassUid, implementationVersionName, asyncOperationsWindow,
                roleSelections, extendedNegotiations, commonExtendedNegotiations, userIdentityRQ, userIdentityAC);
    }

    /** Appends indented lines for {@link AAssociate#toString()}. */
    void appendTo(StringBuilder sb) {
        sb.append("  max PDU length: ").append(maxLength == 0 ? "unlimited" : Long.toString(maxLength)).append('\n');
        sb.append("  implementation class UID: ").append(implementationClassUid).append('\n');
        if (implementationVersionName != null) {
            sb.append("  implementation version name: ").append(implementationVersionName).append('\n');
        }
        if (asyncOperationsWindow != null) {
            sb.append("  async operations window: invoked=").append(asyncOperationsWindow.maxOperationsInvoked())
                    .append(", performed=").append(asyncOperationsWindow.maxOperationsPerformed()).append('\n');
        }
        for (RoleSelection rs : roleSelections) {
            sb.append("  role selection: ").append(rs.sopClassUid()).append(" SCU=").append(rs.scuRole() ? 1 : 0)
                    .append(" SCP=").append(rs.scpRole() ? 1 : 0).append('\n');
        }
        for (ExtendedNegotiation en : extendedNegotiations) {
            sb.append("  extended negotiation: ").append(en.sopClassUid()).append(" (")
                    .append(en.infoLength()).append(" bytes)\n");
        }
        for (CommonExtendedNegotiation cen : commonExtendedNegotiations) {
            sb.append("  common extended negotiation: ").append(cen.valueUnsafe().length).append(" bytes\n");
        }
        if (userIdentityRQ != null) {
            sb.append("  user identity: ").append(userIdentityRQ).append('\n');
        }
        if (userIdentityAC != null) {
            sb.append("  user identity response: ").append(userIdentityAC).append('\n');
        }
    }
}
