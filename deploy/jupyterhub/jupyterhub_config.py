"""JupyterHub for the course on one teaching server: real Unix users, PAM logins, one exchange.

Run as root from the course's virtual environment (README.md beside this file, step by step):

    cd /srv/jupyterhub && /opt/nn-course/.venv/bin/jupyterhub -f /etc/jupyterhub/jupyterhub_config.py

Who is who is said by two Unix groups: members of ``nn-instructors`` get nbgrader's formgrader,
*Create Assignment* and course list, their course folder (``~/course``) being where nbgrader
finds its configuration; members of ``nn-students`` get only the *Assignments* list (fetch,
submit, fetch feedback), with nbgrader's other extensions turned off by the folder
``students/`` beside this file. Nobody else can log in.

Settings read from the environment (a systemd unit's ``Environment=`` lines, say):
TP_COURSE_EXCHANGE  the exchange made by ``tp-course exchange`` (default /srv/nbgrader/exchange)
TP_HUB_COURSE       the course folder, relative to an instructor's home (default ``course``)
"""
import grp
import os
import pwd
import sys

c = get_config()  # noqa: F821  (provided by JupyterHub)

HERE = os.path.dirname(os.path.abspath(__file__))
INSTRUCTORS, STUDENTS = "nn-instructors", "nn-students"
EXCHANGE = os.environ.get("TP_COURSE_EXCHANGE", "/srv/nbgrader/exchange")
COURSE = os.environ.get("TP_HUB_COURSE", "course")
VENV_BIN = os.path.dirname(sys.executable)   # the hub runs from the course's environment

# Logins: the machine's own accounts and passwords (PAM), for the two groups only.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {INSTRUCTORS, STUDENTS}

# One JupyterLab per user, started as that user (the hub runs as root to do so).
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [os.path.join(VENV_BIN, "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {
    "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin",   # nbgrader, tp-course in a terminal
    "TP_COURSE_EXCHANGE": EXCHANGE,                        # read by both nbgrader configs
}
# Terminals run an interactive bash that keeps that PATH (JupyterLab's default under a hub, a
# login shell, resets it from /etc/profile: no nbgrader, no tp-course).
c.Spawner.args = ['--ServerApp.terminado_settings={"shell_command": ["/bin/bash"]}']
# A loaded 2-core server takes a while to start JupyterLab: wait rather than give up.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180


def is_instructor(name):
    """True when the Unix user NAME is in the instructors' group."""
    try:
        gid = grp.getgrnam(INSTRUCTORS).gr_gid
    except KeyError:
        return False
    return gid in os.getgrouplist(name, pwd.getpwnam(name).pw_gid)


def per_role(spawner):
    """Instructors read their course's ``nbgrader_config.py``; students the ``students/`` folder.

    Both through ``JUPYTER_CONFIG_PATH``, which nbgrader's extensions search for
    ``nbgrader_config.py`` and Jupyter for ``jupyter_server_config.json`` (server extensions) and
    ``labconfig/page_config.json`` (JupyterLab plugins).
    """
    name = spawner.user.name
    if is_instructor(name):
        config_path = os.path.join(pwd.getpwnam(name).pw_dir, COURSE)
    else:
        config_path = os.path.join(HERE, "students")
    spawner.environment = {**spawner.environment, "JUPYTER_CONFIG_PATH": config_path}


c.Spawner.pre_spawn_hook = per_role
