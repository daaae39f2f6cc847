"""Drop-in reward function for OpenRLHF's ``--remote_rm_url`` python-file mode.

    pip install "reward-server"            # on the training host: brings trainer_client
    export REWARD_SERVER_URL=http://rm-0:8000,http://rm-1:8000
    export REWARD_SERVER_PRESET=r1-zero    # optional: accuracy + format
    python -m openrlhf.cli.train_ppo_ray ... \\
        --remote_rm_url /path/to/openrlhf_reward_func.py --label_key answer

A label is the gold math answer, or a JSON object of /v1/score item fields, e.g.
``{"task": "code", "code": {"tests": [{"input": "1 2\\n", "output": "3\\n"}]}}``.
See docs/trainers/openrlhf.md for what comes back and how failures are reported.
"""

from trainer_client.openrlhf import reward_func

__all__ = ["reward_func"]
