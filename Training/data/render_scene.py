"""Blender side of Training/data/render.py: build one drawn scene and render its frames to EXR.

    blender -b --factory-startup -P Training/data/render_scene.py -- DESC.json OUT_DIR

DESC.json is a scene description drawn by render.draw_scene (plain numbers only: every random
choice is made there, so this script is deterministic given the file). Frames are written as
OUT_DIR/frame_0001.exr ... in linear BT.709 (Blender's scene-linear space), 32-bit float, after
the compositor (the optional glare is part of what the camera records, like a lens halo).
Cycles on the CPU; the Debian build has no OpenImageDenoise, so denoising is off and the sample
count is what keeps Monte Carlo noise down.
"""

import json
import math
import os
import sys

import bpy
from mathutils import Vector


def material(name, m):
    mat = bpy.data.materials.new(name)
    mat.use_nodes = True
    bsdf = mat.node_tree.nodes["Principled BSDF"]
    bsdf.inputs["Base Color"].default_value = (*m["colour"], 1.0)
    bsdf.inputs["Roughness"].default_value = m["roughness"]
    bsdf.inputs["Metallic"].default_value = m["metallic"]
    return mat


def emitter(name, colour, strength):
    mat = bpy.data.materials.new(name)
    mat.use_nodes = True
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    nodes.remove(nodes["Principled BSDF"])
    em = nodes.new("ShaderNodeEmission")
    em.inputs["Color"].default_value = (*colour, 1.0)
    em.inputs["Strength"].default_value = strength
    links.new(em.outputs["Emission"], nodes["Material Output"].inputs["Surface"])
    return mat


def add_object(o, i):
    kind = o["kind"]
    if kind == "box":
        bpy.ops.mesh.primitive_cube_add(size=1.0, location=o["location"])
    elif kind == "sphere":
        bpy.ops.mesh.primitive_uv_sphere_add(segments=48, ring_count=24, radius=0.5, location=o["location"])
        bpy.ops.object.shade_smooth()
    else:  # plane
        bpy.ops.mesh.primitive_plane_add(size=1.0, location=o["location"])
    ob = bpy.context.active_object
    ob.scale = o["scale"]
    ob.rotation_euler = (0.0, 0.0, math.radians(o.get("yaw_deg", 0.0)))
    ob.data.materials.append(material(f"m{i}", o["material"]))
    return ob


def add_lamp(lamp, i):
    bpy.ops.mesh.primitive_uv_sphere_add(segments=32, ring_count=16, radius=lamp["radius"],
                                         location=lamp["path"][0])
    ob = bpy.context.active_object
    bpy.ops.object.shade_smooth()
    ob.data.materials.append(emitter(f"e{i}", lamp["colour"], lamp["strength"]))
    if len(lamp["path"]) > 1:  # a moving lamp (a passing headlight): keyed at the first and last frame
        for frame, loc in ((1, lamp["path"][0]), (lamp["frames"], lamp["path"][1])):
            ob.location = loc
            ob.keyframe_insert("location", frame=frame)
    return ob


def set_world(w):
    world = bpy.data.worlds.new("world")
    bpy.context.scene.world = world
    world.use_nodes = True
    nodes, links = world.node_tree.nodes, world.node_tree.links
    bg = nodes["Background"]
    if w["kind"] == "sky":
        sky = nodes.new("ShaderNodeTexSky")
        sky.sky_type = "NISHITA"
        sky.sun_disc = True
        sky.sun_size = math.radians(w["sun_size_deg"])
        sky.sun_elevation = math.radians(w["sun_elevation_deg"])
        sky.sun_rotation = math.radians(w["sun_rotation_deg"])
        sky.sun_intensity = w["sun_intensity"]
        links.new(sky.outputs["Color"], bg.inputs["Color"])
    else:
        bg.inputs["Color"].default_value = (*w["colour"], 1.0)
    bg.inputs["Strength"].default_value = w["strength"]


def look_at(cam, target):
    d = Vector(target) - cam.location
    cam.rotation_euler = d.to_track_quat("-Z", "Y").to_euler()


def add_camera(c, frames):
    bpy.ops.object.camera_add(location=c["path"][0])
    cam = bpy.context.active_object
    cam.data.sensor_fit = "HORIZONTAL"
    cam.data.angle = math.radians(c["fov_deg"])
    for frame, loc, target in ((1, c["path"][0], c["target"][0]), (frames, c["path"][1], c["target"][1])):
        cam.location = loc
        look_at(cam, target)
        cam.keyframe_insert("location", frame=frame)
        cam.keyframe_insert("rotation_euler", frame=frame)
    bpy.context.scene.camera = cam


def linear_keys():
    for action in bpy.data.actions:
        for fc in action.fcurves:
            for kp in fc.keyframe_points:
                kp.interpolation = "LINEAR"


def set_glare(g):
    scn = bpy.context.scene
    scn.use_nodes = True
    tree = scn.node_tree
    layers, comp = tree.nodes["Render Layers"], tree.nodes["Composite"]
    glare = tree.nodes.new("CompositorNodeGlare")
    glare.glare_type = "FOG_GLOW"
    glare.quality = "HIGH"
    glare.size = g["size"]
    glare.threshold = g["threshold"]
    glare.mix = g["mix"]
    tree.links.new(layers.outputs["Image"], glare.inputs["Image"])
    tree.links.new(glare.outputs["Image"], comp.inputs["Image"])


def main():
    desc_path, out_dir = sys.argv[sys.argv.index("--") + 1:][:2]
    with open(desc_path) as f:
        d = json.load(f)
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scn = bpy.context.scene
    scn.render.engine = "CYCLES"
    scn.cycles.device = "CPU"
    scn.cycles.samples = d["samples"]
    scn.cycles.use_denoising = False
    scn.cycles.seed = d["seed"] % (2 ** 31)
    scn.cycles.max_bounces = 3
    scn.cycles.caustics_reflective = False
    scn.cycles.caustics_refractive = False
    scn.cycles.blur_glossy = 1.0
    scn.render.resolution_x, scn.render.resolution_y = d["width"], d["height"]
    scn.render.resolution_percentage = 100
    scn.render.film_transparent = False
    scn.render.image_settings.file_format = "OPEN_EXR"
    scn.render.image_settings.color_depth = "32"
    scn.render.image_settings.exr_codec = "ZIP"
    scn.frame_start, scn.frame_end = 1, d["frames"]
    set_world(d["world"])
    for i, o in enumerate(d["objects"]):
        add_object(o, i)
    for i, lamp in enumerate(d["lamps"]):
        add_lamp(dict(lamp, frames=d["frames"]), i)
    add_camera(d["camera"], d["frames"])
    linear_keys()
    if d.get("glare"):
        set_glare(d["glare"])
    scn.render.filepath = os.path.join(out_dir, "frame_####")
    bpy.ops.render.render(animation=True)


main()
