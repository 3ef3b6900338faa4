package org.jcriu.compel;

/**
 * Credentials of the task as the task itself sees them.
 *
 * @param uid real uid
 * @param euid effective uid
 * @param suid saved uid
 * @param fsuid filesystem uid
 * @param gid real gid
 * @param egid effective gid
 * @param sgid saved gid
 * @param fsgid filesystem gid
 * @param groups supplementary groups
 * @param capEffective effective capabilities (bit n = capability n)
 * @param capPermitted permitted capabilities
 * @param capInheritable inheritable capabilities
 * @param capBounding bounding set
 * @param capAmbient ambient set
 * @param securebits PR_GET_SECUREBITS
 * @param noNewPrivs PR_GET_NO_NEW_PRIVS
 */
public record Creds(int uid, int euid, int suid, int fsuid, int gid, int egid, int sgid, int fsgid,
        int[] groups, long capEffective, long capPermitted, long capInheritable, long capBounding,
        long capAmbient, int securebits, boolean noNewPrivs) {

    /** @return the groups (a copy) */
    @Override
    public int[] groups() {
        return groups.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Creds)) {
            return false;
        }
        Creds c = (Creds) o;
        return uid == c.uid && euid == c.euid && suid == c.suid && fsuid == c.fsuid && gid == c.gid
                && egid == c.egid && sgid == c.sgid && fsgid == c.fsgid && java.util.Arrays.equals(groups, c.groups)
                && capEffective == c.capEffective && capPermitted == c.capPermitted
                && capInheritable == c.capInheritable && capBounding == c.capBounding && capAmbient == c.capAmbient
                && securebits == c.securebits && noNewPrivs == c.noNewPrivs;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(uid, euid, gid, egid, java.util.Arrays.hashCode(groups), capEffective);
    }

    @Override
    public String toString() {
        return String.format("Creds[uid=%d/%d/%d/%d, gid=%d/%d/%d/%d, groups=%s, cap eff=%#x prm=%#x inh=%#x bnd=%#x amb=%#x,"
                + " securebits=%#x, no_new_privs=%b]", uid, euid, suid, fsuid, gid, egid, sgid, fsgid,
                java.util.Arrays.toString(groups), capEffective, capPermitted, capInheritable, capBounding, capAmbient,
                securebits, noNewPrivs);
    }
}
