#!/usr/bin/python3
"""A minimal StatusNotifier host for the tray test: it owns org.kde.StatusNotifierWatcher on
the session bus (as a desktop's panel does), takes the app's tray item when it registers,
and every half second writes what a panel would show to SNAPSHOT as JSON: the item's title
and label, and its menu (com.canonical.dbusmenu) as a list of {id, label, enabled, toggle}.
A line `click <id>` written to COMMANDS sends the menu's `clicked` event for that item, as a
click in the panel's menu does.

usage: sni-host.py SNAPSHOT COMMANDS
"""
import json
import os
import sys
import time

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

WATCHER_XML = """
<node>
  <interface name="org.kde.StatusNotifierWatcher">
    <method name="RegisterStatusNotifierItem"><arg type="s" direction="in"/></method>
    <method name="RegisterStatusNotifierHost"><arg type="s" direction="in"/></method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
    <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
    <signal name="StatusNotifierHostRegistered"/>
  </interface>
</node>
"""

snapshot_path, commands_path = sys.argv[1], sys.argv[2]
items = []  # (bus name, object path)
bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)


def on_call(conn, sender, path, iface, method, params, invocation):
    if method == "RegisterStatusNotifierItem":
        (service,) = params.unpack()
        # libappindicator passes its object path; others pass a bus name
        item = (sender, service) if service.startswith("/") else (service, "/StatusNotifierItem")
        if item not in items:
            items.append(item)
        conn.emit_signal(None, path, iface, "StatusNotifierItemRegistered",
                         GLib.Variant("(s)", (item[0] + item[1],)))
    invocation.return_value(None)


def on_get(conn, sender, path, iface, prop):
    if prop == "RegisteredStatusNotifierItems":
        return GLib.Variant("as", [n + p for n, p in items])
    if prop == "IsStatusNotifierHostRegistered":
        return GLib.Variant("b", True)
    return GLib.Variant("i", 0)


node = Gio.DBusNodeInfo.new_for_xml(WATCHER_XML)
bus.register_object("/StatusNotifierWatcher", node.interfaces[0], on_call, on_get, None)
Gio.bus_own_name_on_connection(bus, "org.kde.StatusNotifierWatcher",
                               Gio.BusNameOwnerFlags.NONE, None, None)


def prop(name, path, iface, key):
    try:
        v = bus.call_sync(name, path, "org.freedesktop.DBus.Properties", "Get",
                          GLib.Variant("(ss)", (iface, key)), None,
                          Gio.DBusCallFlags.NONE, 2000, None)
        return v.unpack()[0]
    except GLib.Error:
        return None


def menu_items(name, menu_path):
    v = bus.call_sync(name, menu_path, "com.canonical.dbusmenu", "GetLayout",
                      GLib.Variant("(iias)", (0, -1, [])), None,
                      Gio.DBusCallFlags.NONE, 2000, None)
    _, (root_id, _props, children) = v.unpack()
    out = []
    for (cid, props, _) in children:
        out.append({
            "id": cid,
            "label": props.get("label", ""),
            "enabled": props.get("enabled", True),
            "type": props.get("type", "standard"),
            "toggle": props.get("toggle-state"),
        })
    return out


def tick():
    snap = {"items": []}
    for name, path in items:
        iface = "org.kde.StatusNotifierItem"
        entry = {
            "title": prop(name, path, iface, "Title"),
            "label": prop(name, path, iface, "XAyatanaLabel"),
            "status": prop(name, path, iface, "Status"),
            "menu": [],
        }
        menu_path = prop(name, path, iface, "Menu")
        if menu_path:
            try:
                entry["menu"] = menu_items(name, menu_path)
            except GLib.Error as e:
                entry["menu_error"] = e.message
            if os.path.exists(commands_path):
                with open(commands_path) as f:
                    lines = f.read().splitlines()
                os.remove(commands_path)
                for line in lines:
                    verb, _, arg = line.partition(" ")
                    if verb == "click":
                        bus.call_sync(name, menu_path, "com.canonical.dbusmenu", "Event",
                                      GLib.Variant("(isvu)", (int(arg), "clicked",
                                                              GLib.Variant("i", 0), int(time.time()))),
                                      None, Gio.DBusCallFlags.NONE, 2000, None)
        snap["items"].append(entry)
    tmp = snapshot_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(snap, f)
    os.replace(tmp, snapshot_path)
    return True


GLib.timeout_add(500, tick)
GLib.MainLoop().run()
