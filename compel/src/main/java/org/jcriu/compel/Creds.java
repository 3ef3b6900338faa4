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
}
