# Copyright: littlehorse.cluster contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make `ansible_collections.littlehorse.cluster` importable: build/collections links to the checkout."""
from lhtest.testbed import collection_importable

collection_importable()
