// YAMLEdit
